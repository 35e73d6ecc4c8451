//! `cargo xtask sizes`: build every package, measure it, hold it to the budgets in `sizes.toml`,
//! and break each module down by crate so a budget that fails says which crate grew.
//!
//! The breakdown is of the module as wasm-bindgen leaves it, before `wasm-opt` (function names
//! still in it), measured with twiggy: `twiggy top -n 100000 target/pkg.pre-opt.wasm` re-measures
//! it. The native breakdown is `nm --size-sort` of the unstripped library, by crate.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{Result, WebPackage, gz_len, output, root, run, step, twiggy_bin, web_package};

/// Crates by bytes, for one artefact.
type Breakdown = BTreeMap<String, u64>;

/// A native build of jigap-ffi: its key in sizes.json and its cargo feature arguments.
const NATIVE: &[(&str, &[&str])] = &[
    ("native_stripped", &[]),
    (
        "native_stripped_vouchers",
        &["--no-default-features", "--features", "sqlite"],
    ),
    (
        "native_stripped_system_sqlite",
        &[
            "--no-default-features",
            "--features",
            "sqlite-system,tickets,credentials",
        ],
    ),
];

/// The web packages: their key suffix in sizes.json, and how they are built.
fn web_packages() -> [(&'static str, WebPackage); 2] {
    [
        ("", WebPackage::FULL),
        ("_vouchers", WebPackage::vouchers()),
    ]
}

/// `update`: rewrite the committed breakdown; `build`: build the web packages first (`cargo xtask
/// test` has built them already).
pub(crate) fn sizes(update: bool, build: bool) -> Result {
    let mut figures = serde_json::Map::new();
    let mut breakdowns: BTreeMap<String, Breakdown> = BTreeMap::new();

    for (suffix, pkg) in web_packages() {
        if build || !pre_opt(&pkg).exists() {
            step(&format!("sizes: web package {}", pkg.dir()), || {
                web_package(&pkg)
            })?;
        }
        let dir = root().join(pkg.dir());
        let wasm = dir.join("jigap_wasm_bg.wasm");
        figures.insert(format!("wasm_raw{suffix}"), json!(len(&wasm)?));
        figures.insert(format!("wasm_gzip{suffix}"), json!(gz_len(&wasm)?));
        let mut js = 0;
        for e in fs::read_dir(&dir).map_err(|e| e.to_string())? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.extension().is_some_and(|x| x == "js") {
                js += gz_len(&p)?;
            }
        }
        figures.insert(format!("js_gzip{suffix}"), json!(js));
        breakdowns.insert(
            breakdown_key(&format!("wasm_gzip{suffix}")),
            wasm_breakdown(&pre_opt(&pkg))?,
        );
    }

    for (key, features) in NATIVE {
        eprintln!("\n=== sizes: {key}");
        let lib = native(key, features)?;
        let stripped = lib.with_extension("stripped.so");
        run(
            "strip",
            &[
                "--strip-unneeded",
                "-o",
                &stripped.display().to_string(),
                &lib.display().to_string(),
            ],
        )?;
        figures.insert(key.to_string(), json!(len(&stripped)?));
        breakdowns.insert(breakdown_key(key), native_breakdown(&lib)?);
    }

    let json =
        serde_json::to_string_pretty(&Value::Object(figures.clone())).map_err(|e| e.to_string())?;
    fs::write(root().join("target/sizes.json"), json + "\n").map_err(|e| e.to_string())?;
    let committed = root().join("sizes.breakdown.json");
    if update {
        let text = serde_json::to_string_pretty(&breakdowns).map_err(|e| e.to_string())?;
        fs::write(&committed, text + "\n").map_err(|e| e.to_string())?;
    }
    check(&figures, &breakdowns, &committed)
}

/// Where `web_package` left the module before wasm-opt.
pub(crate) fn pre_opt(pkg: &WebPackage) -> PathBuf {
    root().join("target").join(format!(
        "{}.pre-opt.wasm",
        pkg.dir().trim_start_matches("bindings-web/")
    ))
}

fn len(p: &Path) -> Result<u64> {
    Ok(fs::metadata(p)
        .map_err(|e| format!("{}: {e}", p.display()))?
        .len())
}

/// Build jigap-ffi (release) with these feature arguments; the unstripped library, kept as
/// `libjigap_ffi.<key>.so` (the next build overwrites libjigap_ffi.so).
fn native(key: &str, features: &[&str]) -> Result<PathBuf> {
    let mut args = vec!["build", "-p", "jigap-ffi", "--release"];
    args.extend_from_slice(features);
    run("cargo", &args)?;
    let lib = root().join("target/release/libjigap_ffi.so");
    let kept = root().join(format!("target/release/libjigap_ffi.{key}.so"));
    fs::copy(&lib, &kept).map_err(|e| e.to_string())?;
    Ok(kept)
}

/// The crate an item belongs to: the first path segment of its (demangled) name, after any
/// `<`, `&`, `mut`, `dyn` and `[…]` in front. `<serde_json::de::Deserializer<R> as …>` is
/// serde_json's; a derive's `<jigap_core::… as serde::Deserialize>` is jigap_core's.
fn crate_of(name: &str) -> String {
    let mut s = name.trim();
    loop {
        let t = s
            .trim_start_matches(['<', '&', '*', '(', ' '])
            .trim_start_matches("mut ")
            .trim_start_matches("dyn ")
            .trim_start_matches("const ");
        if t == s {
            break;
        }
        s = t;
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    match &s[..end] {
        "" => "(other)".into(),
        c => c.to_string(),
    }
}

/// The pre-opt module by crate (twiggy's shallow sizes; the name section and wasm-bindgen's
/// custom sections, which do not ship, left out; data segments, exports and imports by kind).
fn wasm_breakdown(module: &Path) -> Result<Breakdown> {
    let text = output(
        &twiggy_bin(),
        &[
            "top",
            "-n",
            "1000000",
            "--format",
            "json",
            &module.display().to_string(),
        ],
    )?;
    let items: Value = serde_json::from_str(&text).map_err(|e| format!("twiggy: {e}"))?;
    let mut out = Breakdown::new();
    for it in items.as_array().into_iter().flatten() {
        let name = it["name"].as_str().unwrap_or_default();
        let size = it["shallow_size"].as_u64().unwrap_or(0);
        if name.starts_with("custom section") || name.starts_with("\"function names\"") {
            continue;
        }
        let key = if name.starts_with("data segment") {
            "(data)".to_string()
        } else if name.starts_with("export ") || name.starts_with("import ") {
            "(exports and imports)".to_string()
        } else if name.starts_with("elem") || name.starts_with("table") || name.starts_with("type")
        {
            "(tables and types)".to_string()
        } else {
            crate_of(name)
        };
        *out.entry(key).or_default() += size;
    }
    Ok(out)
}

/// The native library by crate: `nm -C -S` symbol sizes (SQLite's C symbols as `sqlite (C)`),
/// plus `.rodata`, `.eh_frame` and `.gcc_except_table` from the section table.
fn native_breakdown(lib: &Path) -> Result<Breakdown> {
    let path = lib.display().to_string();
    let mut out = Breakdown::new();
    for line in output("nm", &["-C", "-S", "--size-sort", &path])?.lines() {
        let mut f = line.splitn(4, ' ');
        let (Some(_), Some(size), Some(kind), Some(name)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        if !matches!(kind, "t" | "T" | "W" | "w") {
            continue; // code only: data symbols are in .rodata below
        }
        let size = u64::from_str_radix(size, 16).unwrap_or(0);
        let c = crate_of(name);
        let c = if c.starts_with("sqlite3") || !name.contains("::") && !name.starts_with('<') {
            "(C: SQLite, libc glue)".to_string()
        } else {
            c
        };
        *out.entry(c).or_default() += size;
    }
    for line in output("size", &["-A", &path])?.lines() {
        let mut f = line.split_whitespace();
        if let (Some(name), Some(size)) = (f.next(), f.next())
            && matches!(name, ".rodata" | ".eh_frame" | ".gcc_except_table")
        {
            out.insert(format!("({name})"), size.parse().unwrap_or(0));
        }
    }
    Ok(out)
}

/// Hold the figures to `sizes.toml`; on a miss, say which crates grew since the committed
/// breakdown.
fn check(
    figures: &serde_json::Map<String, Value>,
    now: &BTreeMap<String, Breakdown>,
    committed: &Path,
) -> Result {
    let toml: toml::Table = fs::read_to_string(root().join("sizes.toml"))
        .map_err(|e| e.to_string())?
        .parse()
        .map_err(|e| format!("sizes.toml: {e}"))?;
    let section = |name: &str| toml.get(name).and_then(|v| v.as_table()).cloned();
    let budgets = section("budget").ok_or("sizes.toml has no [budget] table")?;
    let targets = section("target").unwrap_or_default();
    let before: BTreeMap<String, Breakdown> = fs::read_to_string(committed)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();

    let kb = |b: u64| format!("{:.1} KB", b as f64 / 1024.0);
    println!(
        "\n{:<32} {:>12} {:>12} {:>12}",
        "size (bytes → KB)", "measured", "budget", "target"
    );
    let mut over = Vec::new();
    for (key, v) in figures {
        let got = v.as_u64().unwrap_or(0);
        let budget = budgets
            .get(key)
            .and_then(|b| b.as_integer())
            .map(|b| b as u64);
        let target = targets
            .get(key)
            .and_then(|b| b.as_integer())
            .map(|b| b as u64);
        let show = |b: Option<u64>| b.map(kb).unwrap_or_else(|| "—".into());
        let mark = match (budget, target) {
            (Some(b), _) if got > b => "OVER BUDGET",
            (_, Some(t)) if got > t => "target missed",
            (_, Some(_)) => "target met",
            _ => "",
        };
        println!(
            "{key:<32} {:>12} {:>12} {:>12}  {mark}",
            kb(got),
            show(budget),
            show(target)
        );
        if budget.is_some_and(|b| got > b) {
            over.push(key.clone());
        }
    }
    if over.is_empty() {
        return Ok(());
    }
    for key in &over {
        let module = breakdown_key(key);
        println!("\n{key} went over its budget; {module} by crate against sizes.breakdown.json:");
        let empty = Breakdown::new();
        let (was, is) = (
            before.get(&module).unwrap_or(&empty),
            now.get(&module).unwrap_or(&empty),
        );
        let crates: std::collections::BTreeSet<&String> = is.keys().chain(was.keys()).collect();
        let mut rows: Vec<(i64, &String)> = crates
            .into_iter()
            .map(|c| {
                let d = *is.get(c).unwrap_or(&0) as i64 - *was.get(c).unwrap_or(&0) as i64;
                (d, c)
            })
            .filter(|(d, _)| *d != 0)
            .collect();
        rows.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        for (d, c) in rows.iter().take(15) {
            println!("  {d:>+9} B  {c}");
        }
    }
    Err(format!(
        "over budget: {} (lower what grew, or raise the budget in sizes.toml with a README line saying what it bought)",
        over.join(", ")
    ))
}

/// Which breakdown explains a figure: `wasm_gzip_vouchers` → `wasm_vouchers`.
fn breakdown_key(figure: &str) -> String {
    let name = figure
        .trim_start_matches("wasm_gzip")
        .trim_start_matches("wasm_raw")
        .trim_start_matches("js_gzip")
        .trim_start_matches("native_stripped");
    if figure.starts_with("native") {
        format!("native{name}")
    } else {
        format!("wasm{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_charged_to_their_crate() {
        assert_eq!(
            crate_of(
                "<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_struct::h2e7a"
            ),
            "serde_json"
        );
        assert_eq!(
            crate_of("k256::arithmetic::field::FieldElement::sqrt::h66"),
            "k256"
        );
        assert_eq!(crate_of("core[c5930c85a12de822]::num::flt2dec"), "core");
        assert_eq!(
            crate_of("<dyn core::any::Any as core::fmt::Debug>::fmt"),
            "core"
        );
        assert_eq!(breakdown_key("wasm_gzip_vouchers"), "wasm_vouchers");
        assert_eq!(breakdown_key("js_gzip"), "wasm");
        assert_eq!(
            breakdown_key("native_stripped_system_sqlite"),
            "native_system_sqlite"
        );
    }
}
