//! Verification: credentials on import (signature, dates, issuer trust, Open OpenBadge rules,
//! holder binding by the caller) and presentations on the verifier side (plus key binding,
//! nonce, audience, freshness and status).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::badge::{OpenBadge, badge_from_credential};
use super::codec::{id_of, numeric_date, parse_json, str_of, types_of};
use super::did::{Purpose, Resolver};
use super::jwk::VerificationKey;
use super::jws::Jws;
use super::sd_jwt::{SdJwt, sd_hash};
use super::status::{
    CredentialStatus, CredentialStatusEntry, MIN_STATUS_LIST_BYTES, TOKEN_STATUS_LIST,
    decode_status_list, decode_token_list, read_entry, read_token_entry, status_of,
};
use super::time::parse_rfc3339;
use super::{
    CredentialError, DEFAULT_MAX_AGE_SECS, DEFAULT_SKEW_SECS, DEFAULT_STATUS_MAX_AGE_SECS,
    MAX_CREDENTIAL_LEN, MAX_PRESENTED_CREDENTIALS, MAX_STATUS_LIST_CREDENTIAL_LEN, check_len,
    malformed,
};
use super::{IssuerKeys, JsonObject};

/// The format of a credential or presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum CredentialFormat {
    /// JWT VC, VC Data Model 1.1 (`vc` claim).
    #[serde(rename = "jwt_vc")]
    JwtVc,
    /// JWT VC, VC Data Model 2.0 (`typ: vc+jwt`, the credential is the payload).
    #[serde(rename = "vc+jwt")]
    VcJwt,
    /// SD-JWT VC (`typ: dc+sd-jwt` or the older `vc+sd-jwt`).
    #[serde(rename = "dc+sd-jwt")]
    SdJwtVc,
    /// A plain SD-JWT (RFC 9901) with another or no `typ`.
    #[serde(rename = "sd-jwt")]
    SdJwt,
    /// JSON credential with a Data Integrity `eddsa-jcs-2022` proof.
    #[serde(rename = "eddsa-jcs-2022")]
    DataIntegrity,
    /// A JWT Verifiable Presentation.
    #[serde(rename = "jwt_vp")]
    JwtVp,
}

impl CredentialFormat {
    /// The name used in JSON output.
    pub fn as_str(&self) -> &'static str {
        match self {
            CredentialFormat::JwtVc => "jwt_vc",
            CredentialFormat::VcJwt => "vc+jwt",
            CredentialFormat::SdJwtVc => "dc+sd-jwt",
            CredentialFormat::SdJwt => "sd-jwt",
            CredentialFormat::DataIntegrity => "eddsa-jcs-2022",
            CredentialFormat::JwtVp => "jwt_vp",
        }
    }

    /// Whether the holder presents by selective disclosure.
    pub fn is_sd_jwt(&self) -> bool {
        matches!(self, CredentialFormat::SdJwtVc | CredentialFormat::SdJwt)
    }
}

/// Whether an unlisted issuer is refused or reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrustMode {
    /// Refuse credentials from issuers not on the list.
    Require,
    /// Accept them with a warning.
    #[default]
    Warn,
}

/// The app's trusted-issuer policy.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// Issuer ids (DIDs or URLs) the app trusts.
    pub trusted_issuers: Vec<String>,
    /// What to do with the others.
    pub mode: TrustMode,
}

impl TrustPolicy {
    /// Trust only `issuers`; refuse the rest.
    pub fn require(issuers: Vec<String>) -> TrustPolicy {
        TrustPolicy {
            trusted_issuers: issuers,
            mode: TrustMode::Require,
        }
    }

    /// Trust `issuers`, refusing others if `require` (else warning about them).
    pub fn of(issuers: Vec<String>, require: bool) -> TrustPolicy {
        TrustPolicy {
            trusted_issuers: issuers,
            mode: if require {
                TrustMode::Require
            } else {
                TrustMode::Warn
            },
        }
    }

    /// Apply the policy: `Ok(None)` trusted, `Ok(Some(warning))` accepted with a warning.
    pub fn check(&self, issuer: &str) -> Result<Option<String>, CredentialError> {
        if self.trusted_issuers.iter().any(|t| t == issuer) {
            return Ok(None);
        }
        match self.mode {
            TrustMode::Require => Err(CredentialError::UntrustedIssuer(issuer.to_string())),
            TrustMode::Warn => Ok(Some(format!(
                "the issuer {issuer} is not on the app's list of trusted issuers"
            ))),
        }
    }
}

/// How a credential is bound to its holder.
#[derive(Debug, Clone, PartialEq)]
pub enum HolderBinding {
    /// `cnf.jwk`: the holder proves possession of this key.
    Key(VerificationKey),
    /// A DID (`cnf.kid` DID URL, or the subject id): the holder proves control of it.
    Did(String),
    /// Not bound (a bearer credential).
    None,
}

/// What the verifiers need: keys, the policy and the time.
#[derive(Debug, Clone)]
pub struct VerifyOptions<'a> {
    /// DID documents and issuer keys.
    pub resolver: &'a Resolver,
    /// Trusted issuers.
    pub trust: TrustPolicy,
    /// Now, Unix seconds (from the injected clock).
    pub now: u64,
    /// Clock skew allowed on every date check.
    pub skew_secs: u64,
    /// How old a status list may be (from its `iat` or `validFrom`) before it is refused as
    /// stale: a list the app fetched last week cannot vouch for a credential revoked yesterday.
    pub status_max_age_secs: u64,
}

impl<'a> VerifyOptions<'a> {
    /// Default policy (unknown issuers warned about), skew and status list freshness.
    pub fn new(resolver: &'a Resolver, now: u64) -> VerifyOptions<'a> {
        VerifyOptions {
            resolver,
            trust: TrustPolicy::default(),
            now,
            skew_secs: DEFAULT_SKEW_SECS,
            status_max_age_secs: DEFAULT_STATUS_MAX_AGE_SECS,
        }
    }
}

/// A credential whose issuer signature, dates, Open OpenBadge rules and issuer trust were checked.
#[derive(Debug, Clone)]
pub struct VerifiedCredential {
    /// Its format.
    pub format: CredentialFormat,
    /// Issuer id (DID or URL).
    pub issuer: String,
    /// Issuer name, when the credential carries one.
    pub issuer_name: Option<String>,
    /// Types (`type`, or the `vct` of an SD-JWT VC).
    pub types: Vec<String>,
    /// The credential (the VC object; for SD-JWT, the disclosed claims).
    pub claims: Map<String, Value>,
    /// The subject id, if any.
    pub subject: Option<String>,
    /// How it is bound to its holder.
    pub binding: HolderBinding,
    /// Valid from (Unix seconds).
    pub valid_from: Option<u64>,
    /// Valid until (Unix seconds).
    pub valid_until: Option<u64>,
    /// Issued at (Unix seconds).
    pub issued_at: Option<u64>,
    /// Status list entry, if any.
    pub status: Option<CredentialStatusEntry>,
    /// The Open OpenBadge view, for `OpenBadgeCredential`s.
    pub badge: Option<OpenBadge>,
    /// Things the app may want to show (e.g. an untrusted issuer in warn mode).
    pub warnings: Vec<String>,
    pub(crate) sd: Option<SdJwt>,
}

impl VerifiedCredential {
    /// Whether the credential is bound to one of `dids` or `keys`.
    pub fn bound_to(&self, dids: &[String], keys: &[VerificationKey]) -> bool {
        match &self.binding {
            HolderBinding::Key(k) => {
                keys.contains(k) || k.did_key().is_some_and(|d| dids.contains(&d))
            }
            HolderBinding::Did(d) => {
                let did = d.split('#').next().unwrap_or(d);
                dids.iter().any(|x| x == did)
            }
            HolderBinding::None => false,
        }
    }
}

/// Verify a credential as issued: a JWT VC (1.1 or 2.0), an SD-JWT (VC) or a Data Integrity
/// JSON credential. Checks the issuer signature, `nbf`/`exp`/`iat` (or `validFrom`/
/// `validUntil`) against `opts.now` with `opts.skew_secs`, the Open Badges 3.0 required
/// properties and the trust policy. Holder binding is left to the caller
/// ([`VerifiedCredential::bound_to`]); [`crate::credential::Credentials::import`] does it.
pub fn verify_credential(
    raw: &str,
    opts: &VerifyOptions<'_>,
) -> Result<VerifiedCredential, CredentialError> {
    check_len("credential", raw.len(), MAX_CREDENTIAL_LEN)?;
    let mut vc = verify_signed(raw.trim(), opts)?;
    if let Some(sd) = &vc.sd
        && sd.kb_jwt.is_some()
    {
        return Err(malformed(
            "credential: this is a presentation (it ends with a key-binding JWT), not an issued SD-JWT",
        ));
    }
    check_times(&vc, opts)?;
    if let Some(w) = opts.trust.check(&vc.issuer)? {
        vc.warnings.push(w);
    }
    Ok(vc)
}

/// Signature, structure and badge checks (no dates, no trust).
fn verify_signed(
    raw: &str,
    opts: &VerifyOptions<'_>,
) -> Result<VerifiedCredential, CredentialError> {
    let mut vc = if raw.starts_with('{') {
        verify_data_integrity(raw, opts.resolver)?
    } else if raw.contains('~') {
        verify_sd_jwt(SdJwt::parse(raw)?, opts.resolver)?
    } else {
        verify_jwt_vc(Jws::parse(raw, "credential")?, opts.resolver)?
    };
    if !vc.format.is_sd_jwt() {
        vc.badge = badge_from_credential(&vc.claims)?;
        if let Some(b) = &vc.badge
            && vc.issuer_name.is_none()
        {
            vc.issuer_name = b.issuer_name.clone();
        }
    }
    Ok(vc)
}

fn check_times(vc: &VerifiedCredential, opts: &VerifyOptions<'_>) -> Result<(), CredentialError> {
    let now = opts.now;
    if let Some(f) = vc.valid_from
        && now.saturating_add(opts.skew_secs) < f
    {
        return Err(CredentialError::NotYetValid { valid_from: f, now });
    }
    if let Some(u) = vc.valid_until
        && now > u.saturating_add(opts.skew_secs)
    {
        return Err(CredentialError::Expired { expired_at: u, now });
    }
    if let Some(i) = vc.issued_at
        && i > now.saturating_add(opts.skew_secs)
    {
        return Err(CredentialError::IssuedInFuture {
            what: "credential",
            iat: i,
            now,
        });
    }
    Ok(())
}

fn date_member(m: &Map<String, Value>, key: &str) -> Result<Option<u64>, CredentialError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_rfc3339(s).map(Some),
        Some(_) => Err(malformed(format!(
            "credential: '{key}' must be a date string"
        ))),
    }
}

fn subject_id(vc: &Map<String, Value>) -> Option<String> {
    match vc.get("credentialSubject") {
        Some(Value::Object(m)) => str_of(m, "id").map(str::to_string),
        Some(Value::Array(a)) => a
            .first()
            .and_then(Value::as_object)
            .and_then(|m| str_of(m, "id"))
            .map(str::to_string),
        _ => None,
    }
}

fn issuer_name(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_object)
        .and_then(|m| str_of(m, "name"))
        .map(str::to_string)
}

fn status_entry(m: &Map<String, Value>) -> Result<Option<CredentialStatusEntry>, CredentialError> {
    match m.get("credentialStatus") {
        Some(v) => CredentialStatusEntry::from_credential_status(v),
        None => Ok(None),
    }
}

fn cnf_binding(m: &Map<String, Value>) -> Result<Option<HolderBinding>, CredentialError> {
    let Some(cnf) = m.get("cnf") else {
        return Ok(None);
    };
    let cnf = cnf
        .as_object()
        .ok_or_else(|| malformed("credential: 'cnf' is not an object"))?;
    if cnf.contains_key("jwk") {
        return Ok(Some(HolderBinding::Key(super::jwk::jwk_member(cnf)?)));
    }
    if let Some(kid) = str_of(cnf, "kid").filter(|k| k.starts_with("did:")) {
        return Ok(Some(HolderBinding::Did(kid.to_string())));
    }
    Err(malformed(
        "credential: 'cnf' has neither 'jwk' nor a DID 'kid'",
    ))
}

fn verify_jwt_vc(jws: Jws, resolver: &Resolver) -> Result<VerifiedCredential, CredentialError> {
    if matches!(
        jws.typ(),
        Some("kb+jwt" | "vp+jwt" | "dc+sd-jwt" | "vc+sd-jwt")
    ) {
        return Err(malformed(format!(
            "credential: a JWT of type '{}' is not a credential",
            jws.typ().unwrap_or("")
        )));
    }
    let p = &jws.payload;
    let (format, mut vc) = match p.get("vc") {
        Some(Value::Object(vc)) => (CredentialFormat::JwtVc, vc.clone()),
        Some(_) => return Err(malformed("credential: 'vc' is not an object")),
        None if jws.typ() == Some("vc+jwt") || p.contains_key("@context") => {
            (CredentialFormat::VcJwt, p.clone())
        }
        None => {
            return Err(malformed(
                "credential: a JWT without a 'vc' claim and not of type vc+jwt is not a verifiable credential",
            ));
        }
    };
    let vc_issuer = vc.get("issuer").and_then(id_of).map(str::to_string);
    let iss = str_of(p, "iss").map(str::to_string);
    let issuer = match (&iss, &vc_issuer) {
        (Some(a), Some(b)) if a != b => {
            return Err(malformed(format!(
                "credential: 'iss' ({a}) and the credential's issuer ({b}) differ"
            )));
        }
        (Some(a), _) => a.clone(),
        (None, Some(b)) => b.clone(),
        (None, None) => return Err(malformed("credential: no issuer ('iss' or 'issuer')")),
    };
    let keys = resolver.keys_for(Some(&issuer), jws.kid(), Purpose::Assertion)?;
    jws.verify_any(&keys, "issuer")?;

    let nbf = numeric_date(p, "nbf", "credential")?;
    let exp = numeric_date(p, "exp", "credential")?;
    let iat = numeric_date(p, "iat", "credential")?;
    let sub = str_of(p, "sub").map(str::to_string);
    if format == CredentialFormat::JwtVc {
        // VC-JWT 1.1: JWT claims stand for the credential's members when those are absent.
        if !vc.contains_key("issuer") {
            vc.insert("issuer".into(), Value::String(issuer.clone()));
        }
        if let Some(jti) = str_of(p, "jti")
            && !vc.contains_key("id")
        {
            vc.insert("id".into(), jti.into());
        }
        if let (Some(s), Some(Value::Object(cs))) = (&sub, vc.get_mut("credentialSubject"))
            && !cs.contains_key("id")
        {
            cs.insert("id".into(), Value::String(s.clone()));
        }
        if let Some(n) = nbf.or(iat)
            && !vc.contains_key("issuanceDate")
            && !vc.contains_key("validFrom")
        {
            vc.insert("issuanceDate".into(), super::format_rfc3339(n).into());
        }
        if let Some(e) = exp
            && !vc.contains_key("expirationDate")
            && !vc.contains_key("validUntil")
        {
            vc.insert("expirationDate".into(), super::format_rfc3339(e).into());
        }
    }
    let valid_from = nbf
        .or(date_member(&vc, "validFrom")?)
        .or(date_member(&vc, "issuanceDate")?);
    let valid_until = exp
        .or(date_member(&vc, "validUntil")?)
        .or(date_member(&vc, "expirationDate")?);
    let subject = subject_id(&vc).or(sub);
    let binding = match cnf_binding(p)? {
        Some(b) => b,
        None => match &subject {
            Some(s) if s.starts_with("did:") => HolderBinding::Did(s.clone()),
            _ => HolderBinding::None,
        },
    };
    Ok(VerifiedCredential {
        format,
        issuer_name: issuer_name(vc.get("issuer")),
        issuer,
        types: types_of(vc.get("type")),
        status: status_entry(&vc)?,
        subject,
        binding,
        valid_from,
        valid_until,
        issued_at: iat,
        badge: None,
        warnings: Vec::new(),
        claims: vc,
        sd: None,
    })
}

fn verify_sd_jwt(sd: SdJwt, resolver: &Resolver) -> Result<VerifiedCredential, CredentialError> {
    let format = match sd.jws.typ() {
        Some("dc+sd-jwt" | "vc+sd-jwt") => CredentialFormat::SdJwtVc,
        Some(t @ ("kb+jwt" | "vp+jwt" | "vc+jwt")) => {
            return Err(malformed(format!(
                "SD-JWT: the issuer-signed JWT has type '{t}'"
            )));
        }
        _ => CredentialFormat::SdJwt,
    };
    let iss = str_of(&sd.jws.payload, "iss").map(str::to_string);
    let keys = resolver.keys_for(iss.as_deref(), sd.jws.kid(), Purpose::Assertion)?;
    sd.jws.verify_any(&keys, "issuer")?;
    let claims = sd.claims()?;
    let issuer = iss.unwrap_or_else(|| {
        sd.jws
            .kid()
            .unwrap_or("")
            .split('#')
            .next()
            .unwrap_or("")
            .to_string()
    });
    let mut types = Vec::new();
    match (format, str_of(&claims, "vct")) {
        (_, Some(v)) => types.push(v.to_string()),
        (CredentialFormat::SdJwtVc, None) => {
            return Err(malformed("SD-JWT VC: no 'vct' (credential type) claim"));
        }
        _ => {}
    }
    types.extend(types_of(claims.get("type")));
    let subject = str_of(&claims, "sub").map(str::to_string);
    let binding = match cnf_binding(&claims)? {
        Some(b) => b,
        None => match &subject {
            Some(s) if s.starts_with("did:") => HolderBinding::Did(s.clone()),
            _ => HolderBinding::None,
        },
    };
    let warnings = Vec::new();
    let status = match claims.get("status") {
        Some(s) => CredentialStatusEntry::from_token_status(s)?,
        None => None,
    };
    Ok(VerifiedCredential {
        format,
        issuer_name: issuer_name(claims.get("issuer")),
        issuer,
        types,
        subject,
        binding,
        valid_from: numeric_date(&claims, "nbf", "SD-JWT")?,
        valid_until: numeric_date(&claims, "exp", "SD-JWT")?,
        issued_at: numeric_date(&claims, "iat", "SD-JWT")?,
        status: match status {
            Some(s) => Some(s),
            None => status_entry(&claims)?,
        },
        badge: None,
        warnings,
        claims,
        sd: Some(sd),
    })
}

#[cfg(feature = "data-integrity")]
fn check_data_integrity_proof(
    doc: &Value,
    issuer: &str,
    resolver: &Resolver,
) -> Result<(), CredentialError> {
    super::data_integrity::verify_eddsa_jcs_2022(doc, issuer, resolver).map(|_| ())
}

#[cfg(not(feature = "data-integrity"))]
fn check_data_integrity_proof(
    _doc: &Value,
    _issuer: &str,
    _resolver: &Resolver,
) -> Result<(), CredentialError> {
    Err(CredentialError::Unsupported(
        "this build does not verify Data Integrity (eddsa-jcs-2022) credentials; enable the `data-integrity` feature".into(),
    ))
}

fn verify_data_integrity(
    raw: &str,
    resolver: &Resolver,
) -> Result<VerifiedCredential, CredentialError> {
    let doc = parse_json(raw.as_bytes(), "credential")?;
    let vc = doc
        .as_object()
        .cloned()
        .ok_or_else(|| malformed("credential: not a JSON object"))?;
    let issuer = vc
        .get("issuer")
        .and_then(id_of)
        .ok_or_else(|| malformed("credential: no issuer"))?
        .to_string();
    check_data_integrity_proof(&doc, &issuer, resolver)?;
    let mut claims = vc;
    claims.remove("proof");
    let subject = subject_id(&claims);
    let binding = match &subject {
        Some(s) if s.starts_with("did:") => HolderBinding::Did(s.clone()),
        _ => HolderBinding::None,
    };
    Ok(VerifiedCredential {
        format: CredentialFormat::DataIntegrity,
        issuer_name: issuer_name(claims.get("issuer")),
        issuer,
        types: types_of(claims.get("type")),
        subject,
        binding,
        valid_from: date_member(&claims, "validFrom")?.or(date_member(&claims, "issuanceDate")?),
        valid_until: date_member(&claims, "validUntil")?
            .or(date_member(&claims, "expirationDate")?),
        issued_at: None,
        status: status_entry(&claims)?,
        badge: None,
        warnings: Vec::new(),
        claims,
        sd: None,
    })
}

/// Check a credential's status against the status list credential the app fetched (a JWT
/// VC, VC 2.0 `vc+jwt`, SD-JWT or Data Integrity credential of type `BitstringStatusList`).
/// The list must be signed by `credential_issuer`, be current, name the entry's purpose and
/// be the list the entry points to.
pub fn check_status(
    entry: &CredentialStatusEntry,
    status_list_credential: &str,
    credential_issuer: &str,
    opts: &VerifyOptions<'_>,
) -> Result<CredentialStatus, CredentialError> {
    check_len(
        "status list credential",
        status_list_credential.len(),
        MAX_STATUS_LIST_CREDENTIAL_LEN,
    )?;
    let raw = status_list_credential.trim();
    if entry.purpose == TOKEN_STATUS_LIST {
        return check_token_status(entry, raw, credential_issuer, opts);
    }
    let list = if raw.starts_with('{') {
        verify_data_integrity(raw, opts.resolver)?
    } else if raw.contains('~') {
        verify_sd_jwt(
            SdJwt::parse_limited(raw, MAX_STATUS_LIST_CREDENTIAL_LEN)?,
            opts.resolver,
        )?
    } else {
        verify_jwt_vc(
            Jws::parse_limited(
                raw,
                "status list credential",
                MAX_STATUS_LIST_CREDENTIAL_LEN,
            )?,
            opts.resolver,
        )?
    };
    let bad = |w: String| CredentialError::Status(w);
    check_times(&list, opts).map_err(|e| match e {
        CredentialError::Expired { expired_at, .. } => bad(format!(
            "the status list credential expired at {expired_at}; fetch a current one"
        )),
        other => other,
    })?;
    if list.issuer != credential_issuer {
        return Err(bad(format!(
            "the status list is issued by {}, not by the credential's issuer {credential_issuer}",
            list.issuer
        )));
    }
    // The list must say which list it is: one without an `id` could be replayed for any URL.
    match str_of(&list.claims, "id") {
        Some(id) if id == entry.list_url => {}
        Some(id) => {
            return Err(bad(format!(
                "the status list {id} is not the one the credential points to ({})",
                entry.list_url
            )));
        }
        None => {
            return Err(bad(format!(
                "the status list has no 'id', so it cannot be matched to {}; it is refused",
                entry.list_url
            )));
        }
    }
    check_status_freshness(list.issued_at.or(list.valid_from), opts)?;
    let subject = match list.claims.get("credentialSubject") {
        Some(Value::Object(m)) => m,
        _ => &list.claims,
    };
    let t = types_of(subject.get("type"));
    if !t
        .iter()
        .any(|t| t == "BitstringStatusList" || t == "StatusList2021")
    {
        return Err(malformed(
            "status list: the credential is not a BitstringStatusList",
        ));
    }
    let purposes = types_of(subject.get("statusPurpose"));
    if !purposes.contains(&entry.purpose) {
        return Err(bad(format!(
            "the status list is for {} but the credential's entry is for {}",
            purposes.join(", "),
            entry.purpose
        )));
    }
    let encoded =
        str_of(subject, "encodedList").ok_or_else(|| malformed("status list: no encodedList"))?;
    let bits = decode_status_list(encoded)?;
    if bits.len() < MIN_STATUS_LIST_BYTES {
        return Err(bad(format!(
            "the status list is {} bytes; the standard requires at least 16 KiB for group privacy",
            bits.len()
        )));
    }
    let value = read_entry(&bits, entry.index, entry.size)?;
    Ok(status_of(&entry.purpose, value))
}

/// A status list must say when it was made, and be no older than the app allows.
fn check_status_freshness(
    issued: Option<u64>,
    opts: &VerifyOptions<'_>,
) -> Result<(), CredentialError> {
    let Some(issued) = issued else {
        return Err(CredentialError::Status(
            "the status list has no issuance time ('iat' or 'validFrom'), so its freshness cannot be checked; it is refused".into(),
        ));
    };
    let limit = issued
        .saturating_add(opts.status_max_age_secs)
        .saturating_add(opts.skew_secs);
    if opts.now > limit {
        return Err(CredentialError::Status(format!(
            "the status list is {} s old, more than the {} s this app accepts; fetch a current one",
            opts.now.saturating_sub(issued),
            opts.status_max_age_secs
        )));
    }
    Ok(())
}

/// IETF Token Status List: a `statuslist+jwt` signed by the credential's issuer, whose `sub` is
/// the URI the credential names, current (`exp`), with `status_list.bits` ∈ {1, 2, 4, 8}.
fn check_token_status(
    entry: &CredentialStatusEntry,
    raw: &str,
    credential_issuer: &str,
    opts: &VerifyOptions<'_>,
) -> Result<CredentialStatus, CredentialError> {
    let bad = |w: String| CredentialError::Status(w);
    let jws = Jws::parse_limited(raw, "status list token", MAX_STATUS_LIST_CREDENTIAL_LEN)?;
    if jws.typ() != Some("statuslist+jwt") {
        return Err(malformed(
            "status list token: the typ must be 'statuslist+jwt'",
        ));
    }
    let p = &jws.payload;
    let iss = str_of(p, "iss");
    let keys = opts.resolver.keys_for(
        iss.or(Some(credential_issuer)),
        jws.kid(),
        Purpose::Assertion,
    )?;
    jws.verify_any(&keys, "status list")?;
    if let Some(i) = iss
        && i != credential_issuer
    {
        return Err(bad(format!(
            "the status list is issued by {i}, not by the credential's issuer {credential_issuer}"
        )));
    }
    if str_of(p, "sub") != Some(entry.list_url.as_str()) {
        return Err(bad(format!(
            "the status list token is not the one the credential points to ({})",
            entry.list_url
        )));
    }
    if let Some(exp) = numeric_date(p, "exp", "status list token")?
        && opts.now > exp.saturating_add(opts.skew_secs)
    {
        return Err(bad(format!(
            "the status list token expired at {exp}; fetch a current one"
        )));
    }
    let iat = numeric_date(p, "iat", "status list token")?;
    if let Some(i) = iat
        && i > opts.now.saturating_add(opts.skew_secs)
    {
        return Err(CredentialError::IssuedInFuture {
            what: "status list token",
            iat: i,
            now: opts.now,
        });
    }
    check_status_freshness(iat, opts)?;
    let sl = p
        .get("status_list")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("status list token: no status_list"))?;
    let bits = sl
        .get("bits")
        .and_then(Value::as_u64)
        .filter(|b| matches!(b, 1 | 2 | 4 | 8))
        .ok_or_else(|| malformed("status list token: status_list.bits must be 1, 2, 4 or 8"))?
        as u8;
    let lst =
        str_of(sl, "lst").ok_or_else(|| malformed("status list token: no status_list.lst"))?;
    let bytes = decode_token_list(lst)?;
    Ok(match read_token_entry(&bytes, entry.index, bits)? {
        0 => CredentialStatus::Valid,
        1 => CredentialStatus::Revoked,
        2 => CredentialStatus::Suspended,
        v => CredentialStatus::Flagged {
            purpose: TOKEN_STATUS_LIST.into(),
            value: v,
        },
    })
}

/// What a verifier asks of a presentation.
#[derive(Debug, Clone)]
pub struct PresentationOptions<'a> {
    /// Keys, trust policy, time and skew.
    pub verify: VerifyOptions<'a>,
    /// The nonce the verifier sent.
    pub nonce: &'a str,
    /// The verifier's identifier (`aud`).
    pub audience: &'a str,
    /// How old the presentation may be (its `iat`).
    pub max_age_secs: u64,
    /// Status list credentials the app fetched, by URL.
    pub status_lists: HashMap<String, String>,
    /// Refuse a credential whose status list was not supplied (otherwise a warning).
    pub require_status: bool,
}

impl<'a> PresentationOptions<'a> {
    /// Default skew, freshness window and trust policy (unknown issuers warned about).
    pub fn new(
        resolver: &'a Resolver,
        nonce: &'a str,
        audience: &'a str,
        now: u64,
    ) -> PresentationOptions<'a> {
        PresentationOptions {
            verify: VerifyOptions::new(resolver, now),
            nonce,
            audience,
            max_age_secs: DEFAULT_MAX_AGE_SECS,
            status_lists: HashMap::new(),
            require_status: false,
        }
    }
}

/// What a verifier asks of a presentation (the binding form of [`PresentationOptions`]).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct CredentialVerifierOptions {
    /// The nonce the verifier sent (fresh per request).
    pub nonce: String,
    /// The verifier's identifier (`aud`).
    pub audience: String,
    /// Issuer ids the verifier trusts.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub trusted_issuers: Vec<String>,
    /// Refuse issuers not on `trusted_issuers` (otherwise accepted with a warning).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub require_trusted: bool,
    /// DID documents for DID methods other than `did:key` / `did:jwk`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub did_documents: Vec<JsonObject>,
    /// Keys of issuers named by URL.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub issuer_keys: Vec<IssuerKeys>,
    /// How old a presentation may be (seconds; default 300).
    #[cfg_attr(feature = "uniffi", uniffi(default = 300))]
    #[cfg_attr(feature = "wasm", serde(default = "default_max_age"), tsify(optional))]
    pub max_age_secs: u64,
    /// Status list credentials the app fetched, by URL.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(
        feature = "wasm",
        serde(default),
        tsify(optional, type = "Record<string, string>")
    )]
    pub status_lists: HashMap<String, String>,
    /// Refuse a credential whose status list was not supplied (otherwise a warning).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[cfg_attr(feature = "wasm", serde(default), tsify(optional))]
    pub require_status: bool,
}

#[cfg(feature = "wasm")]
fn default_max_age() -> u64 {
    DEFAULT_MAX_AGE_SECS
}

impl CredentialVerifierOptions {
    /// The keys the verifier was given.
    pub fn resolver(&self) -> Result<Resolver, CredentialError> {
        Resolver::from_parts(&self.did_documents, &self.issuer_keys)
    }

    /// The presentation options at `now` with `resolver` (from
    /// [`CredentialVerifierOptions::resolver`]).
    pub fn with<'a>(&'a self, resolver: &'a Resolver, now: u64) -> PresentationOptions<'a> {
        let mut p = PresentationOptions::new(resolver, &self.nonce, &self.audience, now);
        p.verify.trust = TrustPolicy::of(self.trusted_issuers.clone(), self.require_trusted);
        p.max_age_secs = self.max_age_secs;
        p.status_lists = self.status_lists.clone();
        p.require_status = self.require_status;
        p
    }
}

/// One credential of a verified presentation.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct PresentedCredential {
    /// Its format.
    pub format: CredentialFormat,
    /// Issuer id.
    pub issuer: String,
    /// Types (or `vct`).
    pub types: Vec<String>,
    /// Only what was disclosed (no `_sd`, `_sd_alg`, undisclosed claims or digests).
    pub claims: JsonObject,
    /// Status from the supplied list (`None`: no status entry, or list not supplied).
    pub status: Option<CredentialStatus>,
    /// Open OpenBadge view.
    pub badge: Option<OpenBadge>,
    /// Valid until.
    pub valid_until: Option<u64>,
}

/// A verified presentation.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VerifiedPresentation {
    /// `dc+sd-jwt` / `sd-jwt` or `jwt_vp`.
    pub format: CredentialFormat,
    /// The holder: a DID, or the JWK of the `cnf` key.
    pub holder: String,
    /// The credentials.
    pub credentials: Vec<PresentedCredential>,
    /// Warnings (untrusted issuer in warn mode, status not checked).
    pub warnings: Vec<String>,
}

fn check_freshness(
    what: &'static str,
    iat: Option<u64>,
    opts: &PresentationOptions<'_>,
) -> Result<(), CredentialError> {
    let now = opts.verify.now;
    let iat = iat.ok_or_else(|| CredentialError::KeyBinding(format!("the {what} has no 'iat'")))?;
    if iat > now.saturating_add(opts.verify.skew_secs) {
        return Err(CredentialError::IssuedInFuture { what, iat, now });
    }
    if now
        > iat
            .saturating_add(opts.max_age_secs)
            .saturating_add(opts.verify.skew_secs)
    {
        return Err(CredentialError::Stale {
            iat,
            now,
            max_age_secs: opts.max_age_secs,
        });
    }
    Ok(())
}

fn check_audience(p: &Map<String, Value>, want: &str) -> Result<(), CredentialError> {
    let ok = match p.get("aud") {
        Some(Value::String(a)) => a == want,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(want)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CredentialError::AudienceMismatch(
            p.get("aud")
                .map(|a| a.to_string())
                .unwrap_or_else(|| "none".into()),
        ))
    }
}

fn finish_credential(
    vc: VerifiedCredential,
    opts: &PresentationOptions<'_>,
    warnings: &mut Vec<String>,
) -> Result<PresentedCredential, CredentialError> {
    check_times(&vc, &opts.verify)?;
    if let Some(w) = opts.verify.trust.check(&vc.issuer)? {
        warnings.push(w);
    }
    let status = match &vc.status {
        None => None,
        Some(entry) => match opts.status_lists.get(&entry.list_url) {
            Some(list) => {
                let s = check_status(entry, list, &vc.issuer, &opts.verify)?;
                match s {
                    CredentialStatus::Revoked => return Err(CredentialError::Revoked),
                    CredentialStatus::Suspended => return Err(CredentialError::Suspended),
                    other => Some(other),
                }
            }
            None if opts.require_status => {
                return Err(CredentialError::Status(format!(
                    "the status list {} was not supplied; fetch it and pass it in",
                    entry.list_url
                )));
            }
            None => {
                warnings.push(format!(
                    "status not checked: the status list {} was not supplied",
                    entry.list_url
                ));
                None
            }
        },
    };
    warnings.extend(vc.warnings.iter().cloned());
    Ok(PresentedCredential {
        format: vc.format,
        issuer: vc.issuer,
        types: vc.types,
        claims: JsonObject(vc.claims),
        status,
        badge: vc.badge,
        valid_until: vc.valid_until,
    })
}

/// Verify a presentation: an SD-JWT with a key-binding JWT, or a JWT VP. Checks the issuer
/// signature, every disclosure digest, dates, the key binding (signature by the `cnf` key or
/// the subject DID, `nonce`, `aud`, freshness of `iat`, `sd_hash`), the status (against the
/// supplied lists) and the trust policy, and returns only the disclosed claims.
pub fn verify_presentation(
    presentation: &str,
    opts: &PresentationOptions<'_>,
) -> Result<VerifiedPresentation, CredentialError> {
    check_len("presentation", presentation.len(), MAX_CREDENTIAL_LEN)?;
    let p = presentation.trim();
    if p.contains('~') {
        verify_sd_jwt_presentation(p, opts)
    } else {
        verify_jwt_vp(p, opts)
    }
}

fn verify_sd_jwt_presentation(
    p: &str,
    opts: &PresentationOptions<'_>,
) -> Result<VerifiedPresentation, CredentialError> {
    let sd = SdJwt::parse(p)?;
    let kb_text = sd.kb_jwt.clone().ok_or_else(|| {
        CredentialError::KeyBinding(
            "the presentation has no key-binding JWT, so it is not bound to the holder".into(),
        )
    })?;
    let presented = sd.presented.clone();
    let vc = verify_sd_jwt(sd, opts.verify.resolver)?;
    let (holder, keys) = match &vc.binding {
        HolderBinding::Key(k) => (k.to_jwk().to_string(), vec![k.clone()]),
        HolderBinding::Did(d) => (
            d.split('#').next().unwrap_or(d).to_string(),
            opts.verify
                .resolver
                .resolve(d, Purpose::Authentication)?
                .into_iter()
                .map(|(_, k)| k)
                .collect(),
        ),
        HolderBinding::None => {
            return Err(CredentialError::KeyBinding(
                "the credential names no holder key ('cnf')".into(),
            ));
        }
    };
    let kb = Jws::parse(&kb_text, "key-binding JWT")?;
    if kb.typ() != Some("kb+jwt") {
        return Err(CredentialError::KeyBinding(
            "the key-binding JWT must have typ 'kb+jwt'".into(),
        ));
    }
    kb.verify_any(&keys, "key-binding")?;
    if str_of(&kb.payload, "nonce") != Some(opts.nonce) {
        return Err(CredentialError::NonceMismatch);
    }
    check_audience(&kb.payload, opts.audience)?;
    check_freshness(
        "key-binding JWT",
        numeric_date(&kb.payload, "iat", "key-binding JWT")?,
        opts,
    )?;
    if str_of(&kb.payload, "sd_hash") != Some(sd_hash(&presented).as_str()) {
        return Err(CredentialError::KeyBinding(
            "sd_hash does not match: disclosures were removed, added or altered after the holder signed"
                .into(),
        ));
    }
    let format = vc.format;
    let mut warnings = Vec::new();
    let c = finish_credential(vc, opts, &mut warnings)?;
    Ok(VerifiedPresentation {
        format,
        holder,
        credentials: vec![c],
        warnings,
    })
}

fn verify_jwt_vp(
    p: &str,
    opts: &PresentationOptions<'_>,
) -> Result<VerifiedPresentation, CredentialError> {
    let jws = Jws::parse(p, "presentation")?;
    let vp = match jws.payload.get("vp") {
        Some(Value::Object(vp)) => vp.clone(),
        _ => {
            return Err(malformed(
                "presentation: not an SD-JWT and not a JWT VP (no 'vp' claim)",
            ));
        }
    };
    let holder = str_of(&jws.payload, "iss")
        .or_else(|| str_of(&vp, "holder"))
        .filter(|h| h.starts_with("did:"))
        .ok_or_else(|| {
            CredentialError::KeyBinding("the presentation names no holder DID ('iss')".into())
        })?
        .to_string();
    let keys = opts
        .verify
        .resolver
        .keys_for(Some(&holder), jws.kid(), Purpose::Authentication)?;
    let holder_key = jws.verify_any(&keys, "holder")?;
    if str_of(&jws.payload, "nonce") != Some(opts.nonce) {
        return Err(CredentialError::NonceMismatch);
    }
    check_audience(&jws.payload, opts.audience)?;
    let iat = numeric_date(&jws.payload, "iat", "presentation")?;
    check_freshness("presentation", iat, opts)?;
    if let Some(exp) = numeric_date(&jws.payload, "exp", "presentation")?
        && opts.verify.now > exp.saturating_add(opts.verify.skew_secs)
    {
        // The holder's own lifetime for it (`exp`) is over.
        let iat = iat.unwrap_or(exp);
        return Err(CredentialError::Stale {
            iat,
            now: opts.verify.now,
            max_age_secs: exp.saturating_sub(iat),
        });
    }
    let list: Vec<Value> = match vp.get("verifiableCredential") {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => Vec::new(),
    };
    if list.is_empty() {
        return Err(malformed("presentation: no verifiableCredential"));
    }
    if list.len() > MAX_PRESENTED_CREDENTIALS {
        return Err(CredentialError::TooLarge {
            what: "number of presented credentials",
            len: list.len(),
            max: MAX_PRESENTED_CREDENTIALS,
        });
    }
    let mut warnings = Vec::new();
    let mut credentials = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let raw = match c {
            Value::String(s) => s.clone(),
            Value::Object(_) => c.to_string(),
            _ => {
                return Err(malformed(
                    "presentation: a credential is neither a JWT nor an object",
                ));
            }
        };
        let vc = verify_signed(&raw, &opts.verify)?;
        if vc.format.is_sd_jwt() {
            return Err(malformed(
                "presentation: present SD-JWT credentials directly, with their own key binding",
            ));
        }
        if !vc.bound_to(
            std::slice::from_ref(&holder),
            std::slice::from_ref(&holder_key),
        ) {
            return Err(CredentialError::HolderBinding(format!(
                "credential {} is not issued to the presenter {holder}",
                i + 1
            )));
        }
        credentials.push(finish_credential(vc, opts, &mut warnings)?);
    }
    Ok(VerifiedPresentation {
        format: CredentialFormat::JwtVp,
        holder,
        credentials,
        warnings,
    })
}
