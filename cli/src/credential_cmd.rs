//! `credential`: the issuer (`key`, `badge`, `sd-jwt`, `status-list`), the holder (`holder`,
//! `import`, `list`, `show`, `delete`, `present`, `status`) and the verifier (`check`, `verify`).
//!
//! Issuer keys are private JWKs in a file (`--key-file`, or `-` for stdin), made with
//! `credential key`. Holder commands open the vault in `--dir` with the PIN from stdin or
//! `--pin-file`, like `vault open`; the credential itself then comes from `--file`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use jigap_core::credential::{
    BadgeInput, CredentialFilter, CredentialFormat, CredentialKeyType, CredentialStatusEntry,
    CredentialValidity, Credentials, ImportOptions, Issuer, PresentationOptions, Resolver,
    SdJwtInput, SigningKey, StatusListInput, StoredCredential, TrustMode, TrustPolicy,
    VerifyOptions, format_rfc3339, verify_credential, verify_presentation,
};
use serde_json::{Value, json};

use crate::io::{
    CliResult, Out, input, iso, parse_json, read_stdin, read_text, storage, with_times,
};
use crate::vault_cmd::{VaultArgs, open_wallet};

#[derive(Clone, Copy, ValueEnum)]
pub enum AlgChoice {
    /// NIST P-256 (most widely supported).
    #[value(name = "ES256")]
    Es256,
    /// secp256k1.
    #[value(name = "ES256K")]
    Es256k,
    /// Ed25519 (needed for Data Integrity eddsa-jcs-2022).
    #[value(name = "EdDSA")]
    EdDsa,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BadgeFormat {
    /// VC-JWT with the `vc` claim, as Open Badges 3.0 specifies.
    Jwt,
    /// VC Data Model 2.0 `vc+jwt`.
    VcJwt,
    /// JSON with a Data Integrity eddsa-jcs-2022 proof (EdDSA keys).
    Di,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ValidityChoice {
    Valid,
    Expired,
    NotYetValid,
}

/// The issuer: key file and identity.
#[derive(Args, Clone)]
pub struct IssuerArgs {
    /// Private JWK of the issuer (from `credential key`); `-` reads it from stdin.
    #[arg(long)]
    key_file: PathBuf,
    /// Issuer id (default: the did:key of the key). With a URL or did:web, give --kid too.
    #[arg(long)]
    issuer_id: Option<String>,
    /// Key id for the JWS header (with --issuer-id).
    #[arg(long, requires = "issuer_id")]
    kid: Option<String>,
    /// Issuer display name (Open Badges profile name).
    #[arg(long)]
    issuer_name: Option<String>,
}

impl IssuerArgs {
    fn issuer(&self) -> CliResult<Issuer> {
        let text = if self.key_file.as_os_str() == "-" {
            read_stdin("issuer key (private JWK)")?
        } else {
            zeroize::Zeroizing::new(read_text(&self.key_file, "issuer key file")?)
        };
        let key = SigningKey::from_jwk_json(&text)?;
        let issuer = match &self.issuer_id {
            Some(id) => Issuer::with_id(key, id, self.kid.as_deref()),
            None => Issuer::new(key),
        };
        Ok(match &self.issuer_name {
            Some(n) => issuer.with_name(n),
            None => issuer,
        })
    }
}

/// Where verifiers get keys, documents and the trust policy.
#[derive(Args, Clone, Default)]
pub struct TrustArgs {
    /// Keys of an issuer named by URL: ISSUER=FILE, FILE holding a JWK, a JWK set or issuer
    /// metadata (`{"jwks": {"keys": […]}}`). Repeatable.
    #[arg(long = "issuer-key", value_name = "ISSUER=FILE")]
    issuer_keys: Vec<String>,
    /// A DID document for a DID that is not did:key or did:jwk. Repeatable.
    #[arg(long = "did-doc", value_name = "FILE")]
    did_docs: Vec<PathBuf>,
    /// A trusted issuer id. Repeatable.
    #[arg(long = "trust", value_name = "ISSUER")]
    trusted: Vec<String>,
    /// Refuse issuers not given with --trust (default: accept with a warning).
    #[arg(long)]
    require_trusted: bool,
}

impl TrustArgs {
    fn resolver(&self) -> CliResult<Resolver> {
        let mut r = Resolver::new();
        for spec in &self.issuer_keys {
            let (issuer, file) = spec
                .rsplit_once('=')
                .ok_or_else(|| input(format!("--issuer-key wants ISSUER=FILE, not '{spec}'")))?;
            r.add_issuer_jwks(issuer, &read_text(Path::new(file), "issuer key")?)?;
        }
        for f in &self.did_docs {
            r.add_did_document(&read_text(f, "DID document")?)?;
        }
        Ok(r)
    }

    fn policy(&self) -> TrustPolicy {
        TrustPolicy {
            trusted_issuers: self.trusted.clone(),
            mode: if self.require_trusted {
                TrustMode::Require
            } else {
                TrustMode::Warn
            },
        }
    }
}

/// A status list entry for an issued credential.
#[derive(Args, Clone)]
pub struct StatusArgs {
    /// URL of the status list credential.
    #[arg(long, requires = "status_index")]
    status_list: Option<String>,
    /// Index of this credential in the list.
    #[arg(long, requires = "status_list")]
    status_index: Option<u64>,
    /// revocation or suspension (Bitstring Status List), or token-status-list (an SD-JWT VC
    /// `status` claim pointing into an IETF Token Status List).
    #[arg(long, default_value = "revocation")]
    status_purpose: String,
}

impl StatusArgs {
    fn entry(&self) -> Option<CredentialStatusEntry> {
        match (&self.status_list, self.status_index) {
            (Some(url), Some(index)) => Some(CredentialStatusEntry {
                purpose: self.status_purpose.clone(),
                index,
                list_url: url.clone(),
                size: 1,
            }),
            _ => None,
        }
    }
}

#[derive(Subcommand)]
pub enum CredentialCmd {
    /// Issuer: make a signing key and save it as a private JWK (file mode 0600).
    Key {
        #[arg(long, value_enum, default_value = "ES256")]
        alg: AlgChoice,
        /// File to write the private JWK to (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Issuer: an Open Badges 3.0 OpenBadgeCredential.
    Badge {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// The earner's DID (`credential holder` shows the wallet's).
        #[arg(long)]
        subject: String,
        /// Credential name shown in wallets.
        #[arg(long)]
        name: String,
        /// Achievement name (default: the credential name).
        #[arg(long)]
        achievement: Option<String>,
        /// Achievement id (URL); a urn:uuid when absent.
        #[arg(long, default_value = "")]
        achievement_id: String,
        #[arg(long)]
        description: String,
        /// Criteria as text.
        #[arg(long)]
        criteria: Option<String>,
        /// Criteria URL.
        #[arg(long)]
        criteria_url: Option<String>,
        /// Image URL.
        #[arg(long)]
        image: Option<String>,
        /// Valid for this many days (default: no expiry).
        #[arg(long)]
        valid_days: Option<u64>,
        #[arg(long, value_enum, default_value = "jwt")]
        format: BadgeFormat,
        #[command(flatten)]
        status: StatusArgs,
    },
    /// Issuer: an SD-JWT VC (dc+sd-jwt) with selectively disclosable claims.
    SdJwt {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// Credential type (vct), e.g. https://licence.example/drone-pilot.
        #[arg(long)]
        vct: String,
        /// JSON object of claims.
        #[arg(long)]
        claims: PathBuf,
        /// A claim path to make selectively disclosable (category, address.region,
        /// nationalities[0]). Repeatable.
        #[arg(long = "sd", value_name = "PATH")]
        sd: Vec<String>,
        /// The holder's public JWK (JSON file, or the JSON output of `credential holder`).
        #[arg(long)]
        holder_jwk: Option<PathBuf>,
        /// With the output of `credential holder`: bind to its P-256 key (ES256 key binding)
        /// instead of the secp256k1 one.
        #[arg(long, requires = "holder_jwk")]
        holder_p256: bool,
        /// Valid for this many days (default 365).
        #[arg(long, default_value_t = 365)]
        valid_days: u64,
        #[command(flatten)]
        status: StatusArgs,
    },
    /// Issuer: a Bitstring Status List credential (JWT VC), or with --token an IETF Token Status
    /// List (statuslist+jwt, for SD-JWT VCs issued with --status-purpose token-status-list).
    StatusList {
        #[command(flatten)]
        issuer: IssuerArgs,
        /// The URL it will be published at.
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "revocation")]
        purpose: String,
        /// An index to set (revoked / suspended). Repeatable.
        #[arg(long = "set", value_name = "INDEX")]
        set: Vec<u64>,
        /// Entries (at least 131072).
        #[arg(long, default_value_t = 131_072)]
        entries: u64,
        /// Valid for this many days (default 1).
        #[arg(long, default_value_t = 1)]
        valid_days: u64,
        /// Issue an IETF Token Status List instead (--set: revoked, --suspend: suspended).
        #[arg(long)]
        token: bool,
        /// Token status list: an index to mark suspended. Repeatable.
        #[arg(long = "suspend", value_name = "INDEX", requires = "token")]
        suspend: Vec<u64>,
    },
    /// Holder: the wallet's holder DID and public JWK.
    Holder {
        #[command(flatten)]
        v: VaultArgs,
    },
    /// Holder: verify a credential and store it in the vault.
    Import {
        #[command(flatten)]
        v: VaultArgs,
        /// The credential (JWT, SD-JWT or JSON).
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
        /// Keep a credential bound to no one (a bearer credential).
        #[arg(long)]
        allow_unbound: bool,
    },
    /// Holder: list stored credentials.
    List {
        #[command(flatten)]
        v: VaultArgs,
        /// Only this type (e.g. OpenBadgeCredential, or an SD-JWT vct).
        #[arg(long = "type")]
        credential_type: Option<String>,
        /// Issuer id or name contains.
        #[arg(long)]
        issuer: Option<String>,
        /// Achievement or credential name contains.
        #[arg(long)]
        achievement: Option<String>,
        #[arg(long, value_enum)]
        validity: Option<ValidityChoice>,
    },
    /// Holder: show one credential.
    Show {
        #[command(flatten)]
        v: VaultArgs,
        id: String,
    },
    /// Holder: delete one credential.
    Delete {
        #[command(flatten)]
        v: VaultArgs,
        id: String,
    },
    /// Holder: present credentials to a verifier.
    Present {
        #[command(flatten)]
        v: VaultArgs,
        /// Credential id (more with --also, JWT VCs only).
        id: String,
        /// Also present these (JWT VCs and Data Integrity credentials: one JWT VP).
        #[arg(long)]
        also: Vec<String>,
        /// The verifier's nonce.
        #[arg(long)]
        nonce: String,
        /// The verifier (audience).
        #[arg(long)]
        aud: String,
        /// SD-JWT: a claim to disclose (category, address.region, endorsements[0]).
        /// Repeatable; nothing else is disclosed.
        #[arg(long = "disclose", value_name = "PATH")]
        disclose: Vec<String>,
    },
    /// Holder: check a stored credential against a status list credential.
    Status {
        #[command(flatten)]
        v: VaultArgs,
        id: String,
        /// The status list credential (as fetched).
        #[arg(long)]
        list: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Verifier: check a presentation (SD-JWT with key binding, or JWT VP).
    Check {
        /// The presentation; stdin when absent.
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        nonce: String,
        #[arg(long)]
        aud: String,
        #[command(flatten)]
        trust: TrustArgs,
        /// A status list credential: URL=FILE. Repeatable.
        #[arg(long = "status-list", value_name = "URL=FILE")]
        status_lists: Vec<String>,
        /// Refuse credentials whose status list is not given.
        #[arg(long)]
        require_status: bool,
        /// Freshness window in seconds (judged at the global --now time when given).
        #[arg(long, default_value_t = 300)]
        max_age: u64,
    },
    /// Verifier: check an issued credential (no presentation).
    Verify {
        /// The credential; stdin when absent.
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

fn file_or_stdin(file: &Option<PathBuf>, what: &str) -> CliResult<String> {
    match file {
        Some(f) => Ok(read_text(f, what)?.trim().to_string()),
        None => Ok(read_stdin(what)?.to_string()),
    }
}

fn write_new_secret_file(path: &Path, text: &str) -> CliResult<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).map_err(|e| {
        let message = format!(
            "cannot create {} (it must not exist yet: choose a new file name): {e}",
            path.display()
        );
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            input(message)
        } else {
            storage(message)
        }
    })?;
    f.write_all(text.as_bytes())
        .map_err(|e| storage(format!("cannot write {}: {e}", path.display())))
}

/// A stored credential (the core's camelCase record), each time with its ISO 8601 twin
/// (`validUntil` and `validUntilIso`).
fn stored_json(c: &StoredCredential, now: u64) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("raw");
        m.insert("validity".into(), json!(c.validity_at(now)));
        for k in ["validFrom", "validUntil", "importedAt"] {
            if let Some(t) = m.get(k).and_then(Value::as_u64) {
                m.insert(format!("{k}Iso"), iso(t).into());
            }
        }
    }
    v
}

/// `times` (those present) added to `v` as Unix seconds and ISO 8601.
fn with_some_times(v: Value, times: &[(&str, Option<u64>)]) -> Value {
    let present: Vec<(&str, u64)> = times
        .iter()
        .filter_map(|(k, t)| t.map(|t| (*k, t)))
        .collect();
    with_times(v, &present)
}

fn validity_text(v: CredentialValidity) -> &'static str {
    match v {
        CredentialValidity::Valid => "valid",
        CredentialValidity::Expired => "EXPIRED",
        CredentialValidity::NotYetValid => "not yet valid",
    }
}

fn human_stored(c: &StoredCredential, now: u64) -> String {
    let mut s = format!(
        "id           {}\nname         {}\nformat       {}\nissuer       {}{}\ntypes        {}\nvalidity     {}{}",
        c.id,
        c.name,
        c.format.as_str(),
        c.issuer,
        c.issuer_name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default(),
        c.types.join(", "),
        validity_text(c.validity_at(now)),
        c.valid_until
            .map(|t| format!(" (until {})", format_rfc3339(t)))
            .unwrap_or_default(),
    );
    if let Some(b) = &c.badge {
        s.push_str(&format!(
            "\nachievement  {}\ndescription  {}\ncriteria     {}\nimage        {}",
            b.achievement_name,
            b.description,
            b.criteria
                .narrative
                .clone()
                .or(b.criteria.id.clone())
                .unwrap_or_default(),
            b.image.clone().unwrap_or_else(|| "-".into())
        ));
    }
    if !c.disclosable.is_empty() {
        s.push_str(&format!("\ndisclosable  {}", c.disclosable.join(", ")));
    }
    if let Some(st) = &c.last_status {
        s.push_str(&format!("\nstatus       {}", st.as_str()));
    }
    for w in &c.warnings {
        s.push_str(&format!("\nwarning      {w}"));
    }
    s
}

pub fn credential(cmd: CredentialCmd, out: &Out) -> CliResult<()> {
    let env = out.env.clone();
    let now = out.now();
    match cmd {
        CredentialCmd::Key { alg, out: file } => {
            let kind = match alg {
                AlgChoice::Es256 => CredentialKeyType::P256,
                AlgChoice::Es256k => CredentialKeyType::Secp256k1,
                AlgChoice::EdDsa => CredentialKeyType::Ed25519,
            };
            let key = SigningKey::generate(&env, kind)?;
            write_new_secret_file(&file, &key.to_private_jwk())?;
            let v = json!({
                "file": file.display().to_string(),
                "alg": key.alg(),
                "did": key.did_key(),
                "public_jwk": key.public_key().to_jwk(),
            });
            out.emit(v.clone(), || {
                format!(
                    "private key written to {} (keep it secret)\nalg   {}\ndid   {}",
                    file.display(),
                    key.alg(),
                    key.did_key()
                )
            });
        }
        CredentialCmd::Badge {
            issuer,
            subject,
            name,
            achievement,
            achievement_id,
            description,
            criteria,
            criteria_url,
            image,
            valid_days,
            format,
            status,
        } => {
            let iss = issuer.issuer()?;
            let format = match format {
                BadgeFormat::Jwt => CredentialFormat::JwtVc,
                BadgeFormat::VcJwt => CredentialFormat::VcJwt,
                BadgeFormat::Di => CredentialFormat::DataIntegrity,
            };
            let input = BadgeInput {
                achievement_name: achievement.unwrap_or_else(|| name.clone()),
                name,
                achievement_id: Some(achievement_id),
                description,
                criteria_narrative: criteria,
                criteria_url,
                image,
                subject,
                valid_from: Some(now),
                valid_until: valid_days.map(|d| now + d * 86_400),
                status: status.entry(),
                format: Some(format),
            };
            let cred = iss.issue_badge(&env, &input)?;
            emit_issued(out, &iss, format, &cred);
        }
        CredentialCmd::SdJwt {
            issuer,
            vct,
            claims,
            sd,
            holder_jwk,
            holder_p256,
            valid_days,
            status,
        } => {
            let iss = issuer.issuer()?;
            let claims = parse_json(&read_text(&claims, "claims file")?, "claims file")?;
            let claims = claims
                .as_object()
                .cloned()
                .ok_or_else(|| input("the claims file must hold a JSON object"))?;
            let holder_jwk = match holder_jwk {
                Some(f) => {
                    let v = parse_json(&read_text(&f, "holder JWK")?, "holder JWK")?;
                    // Accept the output of `credential holder --json` as well as a bare JWK.
                    let member = if holder_p256 { "jwk_p256" } else { "jwk" };
                    let jwk = v.get(member).cloned().unwrap_or(v);
                    Some(
                        jwk.try_into()
                            .map_err(|_| input("the holder JWK file must hold a JSON object"))?,
                    )
                }
                None => None,
            };
            let cred = iss.issue_sd_jwt(
                &env,
                &SdJwtInput {
                    vct,
                    claims: claims.into(),
                    disclosable: Some(sd),
                    holder_jwk,
                    issued_at: Some(now),
                    expires_at: Some(now + valid_days * 86_400),
                    status: status.entry(),
                },
            )?;
            emit_issued(out, &iss, CredentialFormat::SdJwtVc, &cred);
        }
        CredentialCmd::StatusList {
            issuer,
            url,
            purpose,
            set,
            entries,
            valid_days,
            token,
            suspend,
        } => {
            let iss = issuer.issuer()?;
            let cred = if token {
                iss.issue_token_status_list(
                    &url,
                    entries,
                    &set,
                    &suspend,
                    now,
                    Some(now + valid_days * 86_400),
                )?
            } else {
                iss.issue_status_list(
                    &env,
                    &StatusListInput {
                        url,
                        purpose,
                        set,
                        entries,
                        valid_from: Some(now),
                        valid_until: Some(now + valid_days * 86_400),
                    },
                )?
            };
            emit_issued(out, &iss, CredentialFormat::JwtVc, &cred);
        }
        CredentialCmd::Holder { v } => {
            let w = open_wallet(&v, out)?;
            let c = Credentials::new(&w);
            let did = c.holder_did()?;
            let jwk = c.holder_jwk()?;
            let p256 = c.holder_jwk_for(CredentialKeyType::P256)?;
            out.emit(
                json!({"did": did, "jwk": jwk, "alg": "ES256K", "jwk_p256": p256}),
                || {
                    format!(
                        "did        {did}\njwk        {jwk}  (ES256K)\njwk_p256   {p256}  (ES256)"
                    )
                },
            );
        }
        CredentialCmd::Import {
            v,
            file,
            trust,
            allow_unbound,
        } => {
            let raw = read_text(&file, "credential")?;
            let w = open_wallet(&v, out)?;
            let resolver = trust.resolver()?;
            let mut opts = ImportOptions::new(&resolver);
            opts.trust = trust.policy();
            opts.allow_unbound = allow_unbound;
            let c = Credentials::new(&w).import(&raw, &opts)?;
            let n = w.env().clock.now_secs();
            out.emit(stored_json(&c, n), || {
                format!("imported\n{}", human_stored(&c, n))
            });
        }
        CredentialCmd::List {
            v,
            credential_type,
            issuer,
            achievement,
            validity,
        } => {
            let w = open_wallet(&v, out)?;
            let filter = CredentialFilter {
                credential_type,
                issuer,
                achievement,
                validity: validity.map(|v| match v {
                    ValidityChoice::Valid => CredentialValidity::Valid,
                    ValidityChoice::Expired => CredentialValidity::Expired,
                    ValidityChoice::NotYetValid => CredentialValidity::NotYetValid,
                }),
            };
            let list = Credentials::new(&w).list(&filter)?;
            let n = w.env().clock.now_secs();
            let v: Vec<Value> = list.iter().map(|c| stored_json(c, n)).collect();
            out.emit(json!({"credentials": v}), || {
                if list.is_empty() {
                    return "no credentials".into();
                }
                list.iter()
                    .map(|c| {
                        format!(
                            "{}  {:<14} {:<13} {}  — {}",
                            c.id,
                            c.format.as_str(),
                            validity_text(c.validity_at(n)),
                            c.name,
                            c.issuer_name.clone().unwrap_or_else(|| c.issuer.clone())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        CredentialCmd::Show { v, id } => {
            let w = open_wallet(&v, out)?;
            let c = Credentials::new(&w).get(&id)?;
            let n = w.env().clock.now_secs();
            let mut j = stored_json(&c, n);
            j["raw"] = c.raw.clone().into();
            out.emit(j, || {
                format!(
                    "{}\nclaims\n{}",
                    human_stored(&c, n),
                    serde_json::to_string_pretty(&c.claims).unwrap_or_default()
                )
            });
        }
        CredentialCmd::Delete { v, id } => {
            let w = open_wallet(&v, out)?;
            Credentials::new(&w).delete(&id)?;
            out.emit(json!({"deleted": id}), || format!("deleted {id}"));
        }
        CredentialCmd::Present {
            v,
            id,
            also,
            nonce,
            aud,
            disclose,
        } => {
            let w = open_wallet(&v, out)?;
            let creds = Credentials::new(&w);
            let presentation = if also.is_empty() {
                let d: Vec<&str> = disclose.iter().map(String::as_str).collect();
                creds.present(&id, &d, &nonce, &aud)?
            } else {
                if !disclose.is_empty() {
                    return Err(input(
                        "--disclose works with one SD-JWT credential, not with --also",
                    ));
                }
                let mut ids = vec![id.as_str()];
                ids.extend(also.iter().map(String::as_str));
                creds.present_jwt_vp(&ids, &nonce, &aud)?
            };
            let format = if presentation.contains('~') {
                "sd-jwt"
            } else {
                "jwt_vp"
            };
            out.emit(
                json!({"presentation": presentation, "format": format, "disclosed": disclose}),
                || presentation.clone(),
            );
        }
        CredentialCmd::Status { v, id, list, trust } => {
            let w = open_wallet(&v, out)?;
            let list = read_text(&list, "status list credential")?;
            let resolver = trust.resolver()?;
            let s = Credentials::new(&w).check_status(&id, &list, &resolver)?;
            out.emit(json!({"id": id, "status": s.as_str()}), || {
                format!("{id}  {}", s.as_str())
            });
        }
        CredentialCmd::Check {
            file,
            nonce,
            aud,
            trust,
            status_lists,
            require_status,
            max_age,
        } => {
            let p = file_or_stdin(&file, "presentation")?;
            let resolver = trust.resolver()?;
            let mut opts = PresentationOptions::new(&resolver, &nonce, &aud, now);
            opts.verify.trust = trust.policy();
            opts.max_age_secs = max_age;
            opts.require_status = require_status;
            for spec in &status_lists {
                let (url, f) = spec
                    .rsplit_once('=')
                    .ok_or_else(|| input(format!("--status-list wants URL=FILE, not '{spec}'")))?;
                opts.status_lists
                    .insert(url.to_string(), read_text(Path::new(f), "status list")?);
            }
            let v = verify_presentation(&p, &opts)?;
            let creds: Vec<Value> = v
                .credentials
                .iter()
                .map(|c| {
                    with_some_times(
                        json!({
                            "format": c.format.as_str(),
                            "issuer": c.issuer,
                            "types": c.types,
                            "claims": c.claims,
                            "status": c.status.as_ref().map(|s| s.as_str().to_string()),
                            "badge": c.badge,
                        }),
                        &[("valid_until", c.valid_until)],
                    )
                })
                .collect();
            let j = json!({
                "valid": true,
                "format": v.format.as_str(),
                "holder": v.holder,
                "credentials": creds,
                "warnings": v.warnings,
            });
            out.emit(j.clone(), || {
                let mut s = format!("VALID presentation ({}) by {}", v.format.as_str(), v.holder);
                for c in &v.credentials {
                    s.push_str(&format!(
                        "\n\nissuer  {}\ntypes   {}\nstatus  {}\nclaims\n{}",
                        c.issuer,
                        c.types.join(", "),
                        c.status
                            .as_ref()
                            .map(|s| s.as_str())
                            .unwrap_or("not checked"),
                        serde_json::to_string_pretty(&c.claims).unwrap_or_default()
                    ));
                }
                for w in &v.warnings {
                    s.push_str(&format!("\nwarning: {w}"));
                }
                s
            });
        }
        CredentialCmd::Verify { file, trust } => {
            let raw = file_or_stdin(&file, "credential")?;
            let resolver = trust.resolver()?;
            let mut opts = VerifyOptions::new(&resolver, now);
            opts.trust = trust.policy();
            let vc = verify_credential(&raw, &opts)?;
            let j = with_some_times(
                json!({
                    "valid": true,
                    "format": vc.format.as_str(),
                    "issuer": vc.issuer,
                    "types": vc.types,
                    "subject": vc.subject,
                    "claims": vc.claims,
                    "badge": vc.badge,
                    "status": vc.status,
                    "warnings": vc.warnings,
                }),
                &[
                    ("valid_from", vc.valid_from),
                    ("valid_until", vc.valid_until),
                    ("issued_at", vc.issued_at),
                ],
            );
            out.emit(j.clone(), || {
                format!(
                    "VALID {} credential from {}\n{}",
                    vc.format.as_str(),
                    vc.issuer,
                    serde_json::to_string_pretty(&vc.claims).unwrap_or_default()
                )
            });
        }
    }
    Ok(())
}

fn emit_issued(out: &Out, iss: &Issuer, format: CredentialFormat, cred: &str) {
    out.emit(
        json!({
            "credential": cred,
            "format": format.as_str(),
            "issuer": iss.id(),
            "kid": iss.kid(),
            "issuer_jwk": iss.public_key().to_jwk(),
        }),
        || cred.to_string(),
    );
}
