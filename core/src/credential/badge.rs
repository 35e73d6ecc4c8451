//! Open Badges 3.0: recognise an `OpenBadgeCredential` (or `AchievementCredential`) and read
//! what a wallet shows, refusing a badge that lacks what the standard requires.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::CredentialError;
use super::codec::{id_of, str_of, types_of};

/// How the achievement is earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct Criteria {
    /// URL of the criteria page.
    pub id: Option<String>,
    /// The criteria as text (Markdown allowed by the standard).
    pub narrative: Option<String>,
}

/// What a wallet shows of an Open OpenBadge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
#[serde(rename_all = "camelCase")]
pub struct OpenBadge {
    /// The credential's display name.
    pub name: String,
    /// The achievement's id.
    #[serde(alias = "achievement_id")]
    pub achievement_id: String,
    /// The achievement's name.
    #[serde(alias = "achievement_name")]
    pub achievement_name: String,
    /// The achievement's description.
    pub description: String,
    /// How it is earned.
    pub criteria: Criteria,
    /// Image URL (or `data:` URI) of the achievement, or else of the credential.
    pub image: Option<String>,
    /// Issuer id.
    #[serde(alias = "issuer_id")]
    pub issuer_id: String,
    /// Issuer name.
    #[serde(alias = "issuer_name")]
    pub issuer_name: Option<String>,
    /// `validFrom` (or `issuanceDate` in VC 1.1 badges), as written.
    pub issued: String,
    /// `validUntil` (or `expirationDate`), as written.
    pub expires: Option<String>,
}

/// Read a badge from a credential (the VC object). `Ok(None)` when the credential is not an
/// Open OpenBadge; an error when it is one but misses a required property.
pub fn badge_from_credential(
    vc: &Map<String, Value>,
) -> Result<Option<OpenBadge>, CredentialError> {
    let types = types_of(vc.get("type"));
    if !types
        .iter()
        .any(|t| t == "OpenBadgeCredential" || t == "AchievementCredential")
    {
        return Ok(None);
    }
    let missing = |what: &str| {
        CredentialError::Badge(format!(
            "the badge has no {what}, which Open Badges 3.0 requires; ask the issuer for a conforming badge"
        ))
    };
    if !types.iter().any(|t| t == "VerifiableCredential") {
        return Err(missing("type VerifiableCredential"));
    }
    if vc.get("@context").is_none() {
        return Err(missing("@context"));
    }
    if str_of(vc, "id").is_none() {
        return Err(missing("id"));
    }
    let name = str_of(vc, "name").ok_or_else(|| missing("name"))?;
    let issuer = vc.get("issuer").ok_or_else(|| missing("issuer"))?;
    let issuer_id = id_of(issuer).ok_or_else(|| missing("issuer id"))?;
    let issuer_name = issuer
        .as_object()
        .and_then(|m| str_of(m, "name"))
        .map(str::to_string);
    let issued = str_of(vc, "validFrom")
        .or_else(|| str_of(vc, "issuanceDate"))
        .ok_or_else(|| missing("validFrom"))?;
    let expires = str_of(vc, "validUntil")
        .or_else(|| str_of(vc, "expirationDate"))
        .map(str::to_string);
    let subject = match vc.get("credentialSubject") {
        Some(Value::Object(m)) => m,
        Some(Value::Array(a)) => a
            .first()
            .and_then(Value::as_object)
            .ok_or_else(|| missing("credentialSubject"))?,
        _ => return Err(missing("credentialSubject")),
    };
    let ach = subject
        .get("achievement")
        .and_then(Value::as_object)
        .ok_or_else(|| missing("credentialSubject.achievement"))?;
    let achievement_id = str_of(ach, "id").ok_or_else(|| missing("achievement id"))?;
    if !types_of(ach.get("type")).iter().any(|t| t == "Achievement") {
        return Err(missing("achievement type Achievement"));
    }
    let achievement_name = str_of(ach, "name").ok_or_else(|| missing("achievement name"))?;
    let description =
        str_of(ach, "description").ok_or_else(|| missing("achievement description"))?;
    let crit = ach
        .get("criteria")
        .and_then(Value::as_object)
        .ok_or_else(|| missing("achievement criteria"))?;
    let criteria = Criteria {
        id: str_of(crit, "id").map(str::to_string),
        narrative: str_of(crit, "narrative").map(str::to_string),
    };
    if criteria.id.is_none() && criteria.narrative.is_none() {
        return Err(missing("criteria id or narrative"));
    }
    let image = ach
        .get("image")
        .and_then(id_of)
        .or_else(|| vc.get("image").and_then(id_of))
        .map(str::to_string);
    Ok(Some(OpenBadge {
        name: name.to_string(),
        achievement_id: achievement_id.to_string(),
        achievement_name: achievement_name.to_string(),
        description: description.to_string(),
        criteria,
        image,
        issuer_id: issuer_id.to_string(),
        issuer_name,
        issued: issued.to_string(),
        expires,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Drone Safety Basics",
            "issuer": {"id": "did:key:z6Mk", "type": ["Profile"], "name": "Seoul Lifelong Learning"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "https://badges.example/a/1", "type": ["Achievement"], "name": "Drone Safety",
                "description": "Completed the course.", "criteria": {"narrative": "Pass the exam."},
                "image": {"id": "https://badges.example/a/1.png", "type": "Image"}}}
        })
    }

    #[test]
    fn reads_a_badge_and_refuses_incomplete_ones() {
        let v = sample();
        let b = badge_from_credential(v.as_object().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(b.achievement_name, "Drone Safety");
        assert_eq!(b.issuer_name.as_deref(), Some("Seoul Lifelong Learning"));
        assert_eq!(b.image.as_deref(), Some("https://badges.example/a/1.png"));
        for ptr in [
            "/name",
            "/validFrom",
            "/credentialSubject/achievement/criteria",
            "/credentialSubject/achievement/description",
            "/credentialSubject/achievement/name",
            "/credentialSubject/achievement",
            "/id",
        ] {
            let mut v = sample();
            let (parent, key) = ptr.rsplit_once('/').unwrap();
            v.pointer_mut(if parent.is_empty() { "" } else { parent })
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
            let e = badge_from_credential(v.as_object().unwrap()).unwrap_err();
            assert!(matches!(e, CredentialError::Badge(_)), "{ptr}");
        }
        let other = json!({"type": ["VerifiableCredential"]});
        assert!(
            badge_from_credential(other.as_object().unwrap())
                .unwrap()
                .is_none()
        );
    }
}
