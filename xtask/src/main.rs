//! `cargo xtask <task>`: one place to install prerequisites, build every binding and run every
//! check. CI (`.ci/run`) calls `cargo xtask test`.
//!
//! Tasks:
//! - `test`    everything CI runs: setup, fmt, clippy, Rust tests, interop, every binding, sizes
//! - `setup`   install what the checks need on a fresh Debian machine (idempotent)
//! - `web`     build the npm package into bindings-web/pkg
//! - `bindings` regenerate the Kotlin and Swift sources committed under bindings-*/
//! - `sizes`   release sizes of the Wasm package and the stripped native library
//! - `bench`   criterion benchmarks and the Wasm benchmark, with reference ratios
//! - `fuzz [S]` every cargo-fuzz target for S seconds (default 60)
//! - `mobile`  build, regenerate Kotlin and Swift, run the Kotlin tests, check the Swift sources
//! - `js`      build the npm package, then its types check, Node tests and Chromium tests
//! - `demo-web` build the npm package and serve the web demo wallet on localhost:8080

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod sizes;

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn rel(p: &str) -> String {
    root().join(p).display().to_string()
}

/// Run a command in the workspace root, echoing it; fail on a non-zero exit.
fn run(cmd: &str, args: &[&str]) -> Result {
    run_env(cmd, args, &[])
}

fn run_env(cmd: &str, args: &[&str], env: &[(&str, &str)]) -> Result {
    eprintln!("+ {cmd} {}", args.join(" "));
    let status = Command::new(cmd)
        .args(args)
        .current_dir(root())
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("cannot start {cmd}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{cmd} {}` failed ({status})", args.join(" ")))
    }
}

/// Run and capture stdout.
fn output(cmd: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot start {cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{cmd} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    let t = Instant::now();
    eprintln!("\n=== {name}");
    let r = f();
    eprintln!(
        "=== {name}: {} in {:.0?}",
        if r.is_ok() { "ok" } else { "FAILED" },
        t.elapsed()
    );
    r
}

fn tools() -> PathBuf {
    root().join(".tools")
}

fn python() -> String {
    tools().join("venv/bin/python").display().to_string()
}

/// The exact wasm-bindgen version in Cargo.lock: the CLI must match the library.
fn wasm_bindgen_version() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).map_err(|e| e.to_string())?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

/// cargo-fuzz pinned like every other tool.
const CARGO_FUZZ: &str = "0.13.2";
const TWIGGY: &str = "0.8.0";

fn twiggy_bin() -> String {
    tools().join("twiggy/bin/twiggy").display().to_string()
}

fn cargo_fuzz_bin() -> String {
    tools()
        .join("cargo-fuzz/bin/cargo-fuzz")
        .display()
        .to_string()
}

fn wasm_bindgen_bin() -> String {
    tools()
        .join("wasm-bindgen/bin/wasm-bindgen")
        .display()
        .to_string()
}

// fonts-nanum: Korean glyphs for the demo screenshots (Chromium has no CJK font of its own).
const APT: &[&str] = &["libjna-java", "junit4", "chromium", "fonts-nanum"];

fn setup() -> Result {
    step(
        "setup: Debian packages (JNA, JUnit, Chromium, a Korean font)",
        || {
            let missing: Vec<&str> = APT
                .iter()
                .copied()
                .filter(|p| {
                    !Command::new("dpkg")
                        .args(["-s", p])
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            let sudo = if output("id", &["-u"])
                .map(|u| u.trim() == "0")
                .unwrap_or(false)
            {
                vec![]
            } else {
                vec!["sudo"]
            };
            let apt = |args: &[&str]| -> Result {
                let mut full: Vec<&str> = sudo.clone();
                full.push("apt-get");
                full.extend_from_slice(args);
                run_env(
                    full[0],
                    &full[1..],
                    &[("DEBIAN_FRONTEND", "noninteractive")],
                )
            };
            let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
            install.extend(&missing);
            if apt(&install).is_err() {
                apt(&["update", "-q"])?;
                apt(&install)?;
            }
            Ok(())
        },
    )?;
    web_tools()?;
    step(
        "setup: cargo-fuzz (fuzz targets run on stable via RUSTC_BOOTSTRAP)",
        || cargo_install("cargo-fuzz", CARGO_FUZZ, &cargo_fuzz_bin()),
    )?;
    step(
        "setup: Python tools (eth-account, sd-jwt, jwcrypto, pycryptodome, tree-sitter-swift)",
        || {
            if !Path::new(&python()).exists() {
                run(
                    "python3",
                    &["-m", "venv", &tools().join("venv").display().to_string()],
                )?;
            }
            run(
                &python(),
                &[
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                    "scripts/interop/requirements.txt",
                ],
            )
        },
    )
}

/// What `web` and `sizes` need besides cargo: the rustup targets, npm packages (binaryen's
/// wasm-opt), the exact wasm-bindgen-cli and twiggy. Each step does nothing when already done,
/// so `cargo xtask sizes` works from a fresh clone.
fn web_tools() -> Result {
    step("setup: rustup targets", || {
        run(
            "rustup",
            &[
                "target",
                "add",
                "wasm32-unknown-unknown",
                "aarch64-linux-android",
                "aarch64-apple-ios",
            ],
        )
    })?;
    step(
        "setup: npm packages (kotlinc, binaryen, playwright-core, ethers, noble, anvil, solc, OpenZeppelin)",
        || {
            if !root().join("node_modules/.package-lock.json").exists() {
                run("npm", &["ci", "--no-audit", "--no-fund"])?;
            }
            // npm does not keep the executable bit of kotlinc's scripts (nor, to be safe, anvil's).
            run(
                "sh",
                &[
                    "-c",
                    "chmod +x node_modules/kotlin-compiler/bin/* node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
                ],
            )
        },
    )?;
    step(
        "setup: wasm-bindgen-cli (exact version of Cargo.lock)",
        || {
            let v = wasm_bindgen_version()?;
            let have_v = output(&wasm_bindgen_bin(), &["--version"]).unwrap_or_default();
            if have_v.trim().ends_with(&v) {
                return Ok(());
            }
            // No --locked: its own lockfile pins a crate version this registry does not have.
            run(
                "cargo",
                &[
                    "install",
                    "wasm-bindgen-cli",
                    "--version",
                    &v,
                    "--root",
                    &tools().join("wasm-bindgen").display().to_string(),
                ],
            )
        },
    )?;
    step("setup: twiggy (the size breakdown by crate)", || {
        cargo_install("twiggy", TWIGGY, &twiggy_bin())
    })
}

/// `cargo install --locked` a pinned tool into `.tools/<crate>` unless `bin` already runs.
fn cargo_install(krate: &str, version: &str, bin: &str) -> Result {
    if output(bin, &["--version"]).is_ok() {
        return Ok(());
    }
    run(
        "cargo",
        &[
            "install",
            krate,
            "--locked",
            "--version",
            version,
            "--root",
            &tools().join(krate).display().to_string(),
        ],
    )
}

/// The debug cdylib UniFFI reads: `.so` on Linux, `.dylib` on macOS (where iOS contributors
/// run `cargo xtask bindings` and `mobile`).
fn lib() -> String {
    let ext = if cfg!(target_os = "macos") {
        "dylib"
    } else {
        "so"
    };
    format!("target/debug/libjigap_ffi.{ext}")
}

/// The library's exported symbols, one per line as `… T name`: GNU nm reads the dynamic table
/// with `-D`; macOS nm lists the global symbols with `-g` and prefixes C names with `_`.
fn exported_symbols(lib: &str) -> Result<String> {
    if cfg!(target_os = "macos") {
        let out = output("nm", &["-g", "--defined-only", lib])?;
        Ok(out.replace(" _", " "))
    } else {
        output("nm", &["-D", "--defined-only", lib])
    }
}

/// Generate Kotlin (Android and JVM flavours) and Swift from the debug cdylib into target/.
fn generate() -> Result {
    let bindgen = rel("target/debug/uniffi-bindgen");
    let _ = fs::remove_dir_all(root().join("target/bindings"));
    run(
        &bindgen,
        &[
            "generate",
            "--no-format",
            "--library",
            &lib(),
            "--language",
            "kotlin",
            "--language",
            "swift",
            "--out-dir",
            "target/bindings/mobile",
        ],
    )?;
    // One C module over both headers (see core/uniffi.toml), named as XCFrameworks expect.
    let headers: String = HEADERS
        .iter()
        .map(|h| format!("    header \"{h}.h\"\n"))
        .collect();
    fs::write(
        root().join("target/bindings/mobile/module.modulemap"),
        format!("module jigapFFI {{\n{headers}    export *\n}}\n"),
    )
    .map_err(|e| e.to_string())?;
    run(
        &bindgen,
        &[
            "generate",
            "--no-format",
            "--library",
            &lib(),
            "--language",
            "kotlin",
            "--config",
            "bindings-android/jvm-test/uniffi.toml",
            "--out-dir",
            "target/bindings/jvm",
        ],
    )
}

/// What UniFFI generates and the repository keeps: the objects (`jigap_ffi`, package
/// `org.jigap`, Swift `Jigap`) and the core's records, enums and error (`jigap_core`, package
/// `org.jigap.core`, Swift `JigapCore`).
const GENERATED: &[(&str, &str)] = &[
    (
        "target/bindings/mobile/org/jigap/jigap_ffi.kt",
        "bindings-android/jigap/src/main/kotlin/org/jigap/jigap_ffi.kt",
    ),
    (
        "target/bindings/mobile/org/jigap/core/jigap_core.kt",
        "bindings-android/jigap/src/main/kotlin/org/jigap/core/jigap_core.kt",
    ),
    (
        "target/bindings/mobile/Jigap.swift",
        "bindings-ios/Sources/Jigap/Jigap.swift",
    ),
    (
        "target/bindings/mobile/JigapCore.swift",
        "bindings-ios/Sources/Jigap/JigapCore.swift",
    ),
];

/// The C headers and module maps the Swift package imports, one pair per crate.
const HEADERS: &[&str] = &["jigapFFI", "jigapCoreFFI"];

/// Regenerate the Kotlin and Swift sources from the host library. With `JIGAP_FEATURES` set
/// (e.g. `sqlite` for the voucher-only library) they come from a jigap-ffi built with exactly
/// those features, so an app's bindings declare only what its library exports.
fn bindings() -> Result {
    match std::env::var("JIGAP_FEATURES") {
        Ok(f) => {
            run("cargo", &["build", "-p", "uniffi-bindgen"])?;
            run(
                "cargo",
                &[
                    "build",
                    "-p",
                    "jigap-ffi",
                    "--no-default-features",
                    "--features",
                    &f,
                ],
            )?;
        }
        Err(_) => run("cargo", &["build", "--workspace"])?,
    }
    generate()?;
    // Copy the freshly generated sources over the committed ones.
    for (from, to) in GENERATED {
        if let Some(dir) = Path::new(to).parent() {
            fs::create_dir_all(root().join(dir)).map_err(|e| e.to_string())?;
        }
        fs::copy(root().join(from), root().join(to)).map_err(|e| format!("{from} → {to}: {e}"))?;
    }
    Ok(())
}

fn kotlin_classpath(extra: &str) -> String {
    let kc = rel("node_modules/kotlin-compiler/lib");
    format!(
        "{extra}/usr/share/java/jna.jar:{kc}/kotlin-stdlib.jar:{kc}/kotlin-test.jar:{kc}/kotlin-test-junit.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar"
    )
}

fn test_kotlin() -> Result {
    let jar = "target/kotlin/jigap-tests.jar";
    fs::create_dir_all(root().join("target/kotlin")).map_err(|e| e.to_string())?;
    let mut sources = vec![
        "target/bindings/jvm/org/jigap/jigap_ffi.kt".to_string(),
        "target/bindings/jvm/org/jigap/core/jigap_core.kt".to_string(),
    ];
    for e in fs::read_dir(root().join("bindings-android/jigap/src/test/kotlin/org/jigap"))
        .map_err(|e| e.to_string())?
    {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.extension().is_some_and(|x| x == "kt") {
            sources.push(p.display().to_string());
        }
    }
    let cp = kotlin_classpath("");
    let mut args = vec!["-Werror", "-cp", &cp, "-d", jar];
    args.extend(sources.iter().map(String::as_str));
    run(&rel("node_modules/kotlin-compiler/bin/kotlinc"), &args)?;
    // Every test file is one JUnit class named after the file.
    let classes: Vec<String> = sources[2..]
        .iter()
        .filter_map(|p| Path::new(p).file_stem())
        .map(|s| format!("org.jigap.{}", s.to_string_lossy()))
        .collect();
    let cp = kotlin_classpath(&format!("{jar}:"));
    let mut args = vec![
        "-Djna.library.path=target/debug",
        "-cp",
        &cp,
        "org.junit.runner.JUnitCore",
    ];
    args.extend(classes.iter().map(String::as_str));
    run("java", &args)
}

fn check_swift() -> Result {
    let mut files = vec!["bindings-ios/Package.swift".to_string()];
    files.extend(
        GENERATED
            .iter()
            .filter(|(_, to)| to.ends_with(".swift"))
            .map(|(_, to)| to.to_string()),
    );
    for e in
        fs::read_dir(root().join("bindings-ios/Tests/JigapTests")).map_err(|e| e.to_string())?
    {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.extension().is_some_and(|x| x == "swift") {
            files.push(p.display().to_string());
        }
    }
    let mut args = vec!["scripts/swift_syntax_check.py"];
    args.extend(files.iter().map(String::as_str));
    run(&python(), &args)?;
    // The C headers the Swift modules import must compile…
    let includes: String = HEADERS
        .iter()
        .map(|h| format!("#include \"{h}.h\"\n"))
        .collect();
    fs::write(root().join("target/bindings/mobile/check.c"), includes)
        .map_err(|e| e.to_string())?;
    run(
        "gcc",
        &[
            "-D_Nullable=",
            "-D_Nonnull=",
            "-Wall",
            "-Werror",
            "-fsyntax-only",
            "-Itarget/bindings/mobile",
            "target/bindings/mobile/check.c",
        ],
    )?;
    // …and every function they declare must be exported by the library.
    let lib = lib();
    let symbols = exported_symbols(&lib)?;
    for (header, prefix) in [("jigapFFI", "jigap_ffi_"), ("jigapCoreFFI", "jigap_core_")] {
        let text = fs::read_to_string(root().join(format!("target/bindings/mobile/{header}.h")))
            .map_err(|e| e.to_string())?;
        let mut declared = 0;
        for line in text.lines() {
            let l = line.trim();
            let Some(paren) = l.find('(') else { continue };
            if l.starts_with('#') || l.starts_with("typedef") {
                continue;
            }
            let name = l[..paren].rsplit([' ', '*']).next().unwrap_or("");
            if name.starts_with(&format!("uniffi_{prefix}"))
                || name.starts_with(&format!("ffi_{prefix}"))
            {
                declared += 1;
                if !symbols.contains(&format!(" {name}\n")) {
                    return Err(format!(
                        "{name} is declared in {header}.h but not exported by {lib}"
                    ));
                }
            }
        }
        if declared < 20 {
            return Err(format!(
                "only {declared} functions found in {header}.h: the header parse is broken"
            ));
        }
        eprintln!("{header}.h: {declared} functions, all exported");
    }
    check_error_kinds()
}

/// The Kotlin exception subclasses and the Swift cases of the one error are exactly the core's
/// error kinds (`ErrorClass::ALL`, in order), read from the core's own list.
fn check_error_kinds() -> Result {
    let src = fs::read_to_string(root().join("core/src/error.rs")).map_err(|e| e.to_string())?;
    let start = src
        .find("pub const ALL: [ErrorClass; ")
        .ok_or("ErrorClass::ALL not found")?;
    let end = src[start..]
        .find("];")
        .ok_or("ErrorClass::ALL not closed")?
        + start;
    let kinds: Vec<&str> = src[start..end]
        .split("ErrorClass::")
        .skip(1)
        .filter_map(|k| k.split(',').next())
        .map(str::trim)
        .collect();
    let kotlin = fs::read_to_string(root().join(GENERATED[1].1)).map_err(|e| e.to_string())?;
    let swift = fs::read_to_string(root().join(GENERATED[3].1)).map_err(|e| e.to_string())?;
    let kt: Vec<String> = kotlin
        .lines()
        .filter_map(|l| l.trim().strip_prefix("class "))
        .filter(|l| l.contains(": JigapException("))
        .filter_map(|l| l.split('(').next())
        .map(str::to_string)
        .collect();
    let sw: Vec<String> = swift
        .split("enum JigapError:")
        .nth(1)
        .and_then(|s| s.split("\n}").next())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("case "))
        .filter_map(|l| l.split('(').next())
        .map(str::to_string)
        .collect();
    if kt != kinds {
        return Err(format!(
            "Kotlin JigapException subclasses {kt:?} ≠ ErrorClass::ALL {kinds:?}"
        ));
    }
    if sw != kinds {
        return Err(format!(
            "Swift JigapError cases {sw:?} ≠ ErrorClass::ALL {kinds:?}"
        ));
    }
    eprintln!(
        "error kinds: Kotlin and Swift list exactly the {} core kinds",
        kinds.len()
    );
    Ok(())
}

fn check_generated_up_to_date() -> Result {
    for (fresh, committed) in GENERATED {
        let a = fs::read(root().join(fresh)).map_err(|e| format!("{fresh}: {e}"))?;
        let b = fs::read(root().join(committed)).map_err(|e| format!("{committed}: {e}"))?;
        if a != b {
            return Err(format!(
                "{committed} is out of date: run `cargo xtask bindings` and commit the result"
            ));
        }
    }
    Ok(())
}

/// A web package: the jigap-web features it is built with and where it goes.
struct WebPackage {
    /// `None`: the full package (default features) in `bindings-web/pkg`.
    features: Option<Vec<String>>,
}

impl WebPackage {
    const FULL: WebPackage = WebPackage { features: None };

    /// The vouchers package: wallet, keys, vault, stores, vouchers (no tickets, no credentials).
    pub(crate) fn vouchers() -> WebPackage {
        WebPackage {
            features: Some(Vec::new()),
        }
    }

    /// From `--features a,b` (`vouchers` alone: the vouchers package).
    fn from_args() -> Result<WebPackage> {
        let args: Vec<String> = std::env::args().skip(2).collect();
        match args.as_slice() {
            [] => Ok(WebPackage::FULL),
            [flag, list] if flag == "--features" => Ok(WebPackage {
                features: Some(
                    list.split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty() && *f != "vouchers")
                        .map(String::from)
                        .collect(),
                ),
            }),
            _ => Err(
                "usage: cargo xtask web [--features vouchers|tickets,credentials,all-languages]"
                    .into(),
            ),
        }
    }

    fn has(&self, feature: &str) -> bool {
        self.features
            .as_ref()
            .is_none_or(|f| f.iter().any(|x| x == feature))
    }

    /// `bindings-web/pkg`, or `bindings-web/pkg-vouchers[-feature…]`.
    pub(crate) fn dir(&self) -> String {
        match &self.features {
            None => "bindings-web/pkg".into(),
            Some(f) if f.is_empty() => "bindings-web/pkg-vouchers".into(),
            Some(f) => format!("bindings-web/pkg-vouchers-{}", f.join("-")),
        }
    }
}

/// Build the full npm package into bindings-web/pkg.
fn web() -> Result {
    web_package(&WebPackage::FULL)
}

fn web_package(p: &WebPackage) -> Result {
    let mut args = vec![
        "build",
        "-p",
        "jigap-web",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ];
    let list = p.features.as_ref().map(|f| f.join(","));
    if let Some(list) = &list {
        args.extend(["--no-default-features", "--features", list]);
    }
    run("cargo", &args)?;
    let out = p.dir();
    let pkg = root().join(&out);
    let _ = fs::remove_dir_all(&pkg);
    // Do not strip before wasm-bindgen: it needs its custom section.
    run(
        &wasm_bindgen_bin(),
        &[
            "--target",
            "web",
            "--out-dir",
            &out,
            "--out-name",
            "jigap_wasm",
            "target/wasm32-unknown-unknown/wasm-release/jigap_web.wasm",
        ],
    )?;
    // Keep the module as wasm-bindgen left it (function names included): `cargo xtask sizes`
    // breaks it down by crate, and twiggy can re-measure it.
    fs::copy(pkg.join("jigap_wasm_bg.wasm"), sizes::pre_opt(p)).map_err(|e| e.to_string())?;
    let module = format!("{out}/jigap_wasm_bg.wasm");
    run(
        &rel("node_modules/binaryen/bin/wasm-opt"),
        &[
            "-Oz",
            // Iterate until nothing shrinks: 1.5 KB gzipped for a minute of build (README, "Sizes").
            "--converge",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            &module,
            "-o",
            &module,
        ],
    )?;
    let _ = fs::remove_file(pkg.join("jigap_wasm_bg.wasm.d.ts"));
    // tsify types 64-bit fields as `bigint`; the package narrows every one that fits a number
    // (internal.js `narrow`), so apps see `U64` (`number | bigint`) as everywhere else.
    let dts = pkg.join("jigap_wasm.d.ts");
    let text = fs::read_to_string(&dts).map_err(|e| e.to_string())?;
    let typed: Vec<String> = text
        .lines()
        .map(|l| {
            let comment = l.trim_start().starts_with('*') || l.trim_start().starts_with("/*");
            if l.starts_with("export type U64 =") || comment {
                l.to_string()
            } else {
                l.replace("bigint", "U64")
            }
        })
        .collect();
    fs::write(&dts, typed.join("\n") + "\n").map_err(|e| e.to_string())?;
    // The hand-written module, less the parts this package leaves out.
    let left_out: Vec<&str> = ["tickets", "credentials"]
        .into_iter()
        .filter(|f| !p.has(f))
        .collect();
    for e in fs::read_dir(root().join("bindings-web/npm")).map_err(|e| e.to_string())? {
        let path = e.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if left_out.iter().any(|f| name.starts_with(&format!("{f}."))) {
            continue;
        }
        let mut text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
        for f in &left_out {
            text = text
                .lines()
                .filter(|l| !l.contains(&format!("'./{f}.js'")))
                .map(|l| format!("{l}\n"))
                .collect();
            text = text
                .replace(&format!(" \"{f}.js\","), "")
                .replace(&format!(" \"{f}.d.ts\","), "");
        }
        fs::write(pkg.join(&name), text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn gz_len(path: &Path) -> Result<u64> {
    let out = Command::new("sh")
        .args(["-c", &format!("gzip -9c '{}' | wc -c", path.display())])
        .output()
        .map_err(|e| e.to_string())?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("gzip size: {e}"))
}

fn test() -> Result {
    setup()?;
    step("rustfmt", || run("cargo", &["fmt", "--all", "--check"]))?;
    step("clippy (all targets, warnings are errors)", || {
        run(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    step(
        "clippy: the smaller builds (voucher-only native and web, the core without features)",
        || {
            for build in [
                &[
                    "-p",
                    "jigap-ffi",
                    "--no-default-features",
                    "--features",
                    "sqlite",
                ][..],
                &[
                    "-p",
                    "jigap-web",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--no-default-features",
                ],
                &["-p", "jigap-core", "--no-default-features"],
            ] {
                let mut args = vec!["clippy"];
                args.extend_from_slice(build);
                args.extend(["--", "-D", "warnings"]);
                run("cargo", &args)?;
            }
            Ok(())
        },
    )?;
    step("build the workspace (host cdylib for the bindings)", || {
        run("cargo", &["build", "--workspace"])
    })?;
    step(
        "contracts: jigap's contracts and the test contracts with solc-js and OpenZeppelin (once, shared by every chain test)",
        contracts,
    )?;
    step(
        "Rust tests (unit, vectors, property, end to end, CLI, doc)",
        || run("cargo", &["test", "--workspace"]),
    )?;
    step(
        "interop: the CLI against eth-account, the SD-JWT reference implementation, jwcrypto, pycryptodome and zxing-cpp",
        || {
            for script in [
                "eth_account_check.py",
                "ticket_check.py",
                "sdjwt_check.py",
                "qr_terminal_check.py",
            ] {
                run(
                    &python(),
                    &[&format!("scripts/interop/{script}"), "target/debug/jigap"],
                )?;
            }
            Ok(())
        },
    )?;
    step(
        "generate Kotlin and Swift; committed sources are up to date",
        || {
            generate()?;
            check_generated_up_to_date()
        },
    )?;
    step(
        "Kotlin: compile (-Werror) and run the JVM tests through JNA",
        test_kotlin,
    )?;
    step(
        "Swift: syntax of sources and tests, C header, exported symbols",
        check_swift,
    )?;
    step(
        "cross check: aarch64-apple-ios and aarch64-linux-android",
        || {
            for t in ["aarch64-apple-ios", "aarch64-linux-android"] {
                run(
                    "cargo",
                    &[
                        "check",
                        "-p",
                        "jigap-ffi",
                        // No SQLite: it needs a C cross compiler.
                        "--no-default-features",
                        "--features",
                        "tickets,credentials",
                        "--target",
                        t,
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    step(
        "web: build the npm package (wasm32, wasm-bindgen, wasm-opt)",
        web,
    )?;
    step(
        "web: TypeScript types (tsc --strict on an app using them)",
        || {
            run(
                &rel("node_modules/.bin/tsc"),
                &["-p", "bindings-web/tests/tsconfig.json"],
            )
        },
    )?;
    step("web: Node tests", || {
        run("node", &["--test", "bindings-web/tests/node/"])
    })?;
    step(
        "web: the vouchers package (no tickets, no credentials) and the same Node tests on it",
        vouchers_package,
    )?;
    step(
        "web: headless Chromium test (IndexedDB across a reload)",
        || run("node", &["--test", "bindings-web/tests/browser/"]),
    )?;
    step(
        "README and docs code blocks: Kotlin on the JVM, JavaScript in Node and Chromium, Swift syntax (Rust ran as jigap-tests)",
        snippets,
    )?;
    step("fuzz every target for 10 s (no panic on any input)", || {
        fuzz(10)
    })?;
    step("sizes: every package against sizes.toml", || {
        sizes::sizes(false, false)
    })?;
    Ok(())
}

/// Every Kotlin, JavaScript and Swift block of README.md and docs/ (scripts/snippets.py), after
/// the Kotlin tests and the npm package are built; the Rust blocks are tests of `jigap-tests`.
fn snippets() -> Result {
    run(&python(), &["scripts/snippets.py"])
}

/// Compile `contracts` and `tests/contracts` into `target/contracts` (skipped when unchanged): the Rust, CLI,
/// Kotlin and Node chain tests all deploy these.
fn contracts() -> Result {
    run(
        "node",
        &[
            "scripts/contracts/compile.mjs",
            "target/contracts",
            "contracts",
            "tests/contracts",
        ],
    )
}

/// The Kotlin and Swift half of `test`, for working on the mobile bindings.
fn mobile() -> Result {
    contracts()?;
    bindings()?;
    test_kotlin()?;
    check_swift()
}

/// The JavaScript half of `test`, for working on the web bindings.
fn js() -> Result {
    contracts()?;
    web()?;
    run(
        &rel("node_modules/.bin/tsc"),
        &["-p", "bindings-web/tests/tsconfig.json"],
    )?;
    run("node", &["--test", "bindings-web/tests/node/"])?;
    vouchers_package()?;
    run("node", &["--test", "bindings-web/tests/browser/"])
}

/// Build the vouchers package and run the Node tests on it (the ticket and credential tests
/// skip themselves, saying why).
fn vouchers_package() -> Result {
    let p = WebPackage::vouchers();
    web_package(&p)?;
    run_env(
        "node",
        &["--test", "bindings-web/tests/node/"],
        &[("JIGAP_PKG", &p.dir())],
    )
}

/// Build the npm package and serve the web demo wallet on http://127.0.0.1:8080/bindings-web/demo/.
fn demo_web() -> Result {
    contracts()?; // the page's on-chain mode deploys them from target/contracts
    web()?;
    eprintln!("\nopen http://127.0.0.1:8080/bindings-web/demo/  (Ctrl-C to stop)");
    eprintln!(
        "on chain: start a node (`npx anvil`) and open http://127.0.0.1:8080/bindings-web/demo/?rpc=http://127.0.0.1:8545"
    );
    run("node", &["bindings-web/tests/serve.mjs", ".", "8080"])
}

/// Every fuzz target for `secs` seconds (cargo fuzz needs nightly features: RUSTC_BOOTSTRAP lets
/// the stable toolchain build the sanitizer instrumentation).
fn fuzz(secs: u64) -> Result {
    let cargo_fuzz = cargo_fuzz_bin();
    let list = output(&cargo_fuzz, &["list", "--fuzz-dir", "fuzz"])?;
    let time = format!("-max_total_time={secs}");
    for target in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        run_env(
            &cargo_fuzz,
            &[
                "run",
                "--fuzz-dir",
                "fuzz",
                target,
                "--",
                &time,
                "-rss_limit_mb=2048",
            ],
            &[("RUSTC_BOOTSTRAP", "1")],
        )?;
    }
    Ok(())
}

fn bench() -> Result {
    step(
        "criterion: keys, vault and stores; vouchers; ticket gate; credentials",
        || run("cargo", &["bench", "-p", "jigap-core"]),
    )?;
    step("Wasm benchmark (Node) against @noble/secp256k1", || {
        if !root().join("bindings-web/pkg/index.js").exists() {
            web()?;
        }
        run("node", &["bindings-web/bench/bench.mjs"])
    })
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let t = Instant::now();
    let r = match task.as_str() {
        "test" => test(),
        "setup" => setup(),
        "web" => web_tools()
            .and_then(|()| WebPackage::from_args())
            .and_then(|p| web_package(&p)),
        "bindings" => bindings(),
        "sizes" => web_tools().and_then(|()| {
            sizes::sizes(
                std::env::args().any(|a| a == "--update"),
                !std::env::args().any(|a| a == "--no-build"),
            )
        }),
        "bench" => bench(),
        "demo-web" => demo_web(),
        "mobile" => mobile(),
        "js" => js(),
        "snippets" => snippets(),
        "fuzz" => fuzz(
            std::env::args()
                .nth(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(60),
        ),
        _ => Err(
            "usage: cargo xtask <test|setup|web [--features …]|bindings|mobile|js|snippets|sizes [--update] [--no-build]|bench|fuzz [secs]|demo-web>".into(),
        ),
    };
    match r {
        Ok(()) => {
            eprintln!("\nxtask {task}: all done in {:.0?}", t.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nxtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}
