//! `DIR/config.json`: a vault directory's settings that are not secret, next to `wallet.db`.
//!
//! ```json
//! {"voucher_domain": {"chain_id": 1, "contract": "0x00000000000000000000000000000000004a6967"},
//!  "previous_voucher_domains": [{"chain_id": 11155111, "contract": "0x…"}]}
//! ```
//!
//! The domains the vault was set to before are kept so that an object signed for one of them
//! is reported as "signed for another domain" rather than as forged.
//!
//! Written by `vault init` and `vault restore` (and updated by `voucher trust --chain-id …
//! --contract …`), read by every voucher command on the vault. Other members are kept as they
//! are when it is rewritten.

use std::path::{Path, PathBuf};

use jigap_core::voucher::VoucherDomain;
use serde_json::{Value, json};

use crate::io::{CliResult, input, parse_json, read_text, write_atomic};

fn path(dir: &Path) -> PathBuf {
    dir.join("config.json")
}

fn read(dir: &Path) -> CliResult<Option<Value>> {
    let p = path(dir);
    if !p.exists() {
        return Ok(None);
    }
    let v = parse_json(
        &read_text(&p, "vault configuration")?,
        "vault configuration",
    )?;
    if !v.is_object() {
        return Err(input(format!(
            "{} must hold a JSON object; fix it, or delete it and set the voucher domain again with `jigap voucher trust --chain-id … --contract …`",
            p.display()
        )));
    }
    Ok(Some(v))
}

/// The voucher domain the vault in `dir` is set to (`None` when it has none: a vault made
/// before the domain was kept, for which the demo domain applies), and the ones it was set to
/// before.
pub fn voucher_domains(dir: &Path) -> CliResult<(Option<VoucherDomain>, Vec<VoucherDomain>)> {
    let Some(v) = read(dir)? else {
        return Ok((None, vec![]));
    };
    let bad = || {
        input(format!(
            "the voucher domains in {} must be {{\"chain_id\": N, \"contract\": \"0x…\"}}; set the domain again with `jigap voucher trust --dir {} --chain-id … --contract …`",
            path(dir).display(),
            dir.display()
        ))
    };
    let domain = |d: &Value| -> CliResult<VoucherDomain> {
        let chain_id = d["chain_id"].as_u64().ok_or_else(bad)?;
        let contract = d["contract"].as_str().ok_or_else(bad)?;
        Ok(VoucherDomain {
            chain_id,
            verifying_contract: contract.parse().map_err(|_| bad())?,
        })
    };
    let current = match &v["voucher_domain"] {
        Value::Null => None,
        d => Some(domain(d)?),
    };
    let previous = match &v["previous_voucher_domains"] {
        Value::Null => vec![],
        Value::Array(a) => a.iter().map(domain).collect::<CliResult<Vec<_>>>()?,
        _ => return Err(bad()),
    };
    Ok((current, previous))
}

/// Set the vault's voucher domain, keeping the one it replaces among the previous ones and the
/// rest of the file.
pub fn set_voucher_domain(dir: &Path, domain: &VoucherDomain) -> CliResult<()> {
    let (current, mut previous) = voucher_domains(dir)?;
    previous.extend(current);
    previous.retain(|d| d != domain);
    previous.dedup();
    let mut v = read(dir)?.unwrap_or_else(|| json!({}));
    v["voucher_domain"] = domain_json(domain);
    if previous.is_empty() {
        if let Value::Object(m) = &mut v {
            m.remove("previous_voucher_domains");
        }
    } else {
        v["previous_voucher_domains"] = previous.iter().map(domain_json).collect();
    }
    let text = serde_json::to_string_pretty(&v).unwrap_or_default();
    write_atomic(&path(dir), format!("{text}\n").as_bytes())
}

/// A domain as the CLI prints it.
pub fn domain_json(d: &VoucherDomain) -> Value {
    json!({"chain_id": d.chain_id, "contract": d.verifying_contract.to_string()})
}
