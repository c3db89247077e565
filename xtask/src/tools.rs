//! Installing the toolchain on a fresh machine: every step checks first and skips itself when
//! the right version is there, so a warm run costs seconds.
//!
//! Nothing is downloaded from outside the package registries (crates.io, npm, Debian): trunk
//! runs `--offline` and finds wasm-bindgen and wasm-opt on PATH at the versions Trunk.toml pins.

use crate::cmd::{output, run, step, which};
use anyhow::{Context, bail};
use std::path::PathBuf;
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen from npm: Debian's version 108 builds a wasm that fails at start (TOOLCHAIN.md).
pub const BINARYEN_VERSION: &str = "132";

pub fn ensure_build_tools() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_wasm_opt()?;
    Ok(())
}

pub fn ensure_browser_tools() -> anyhow::Result<()> {
    ensure_chromium()?;
    ensure_browser_test_packages()
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> anyhow::Result<()> {
    let have = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if have.trim() == format!("trunk {TRUNK_VERSION}") {
        return Ok(());
    }
    step(&format!(
        "installing trunk {TRUNK_VERSION} from crates.io (about 10 minutes on 2 cores, once)"
    ));
    run(Command::new("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

/// The wasm-bindgen version Cargo.lock resolved: the CLI must be exactly this one.
pub fn locked_wasm_bindgen() -> anyhow::Result<String> {
    let lock =
        std::fs::read_to_string(crate::root().join("Cargo.lock")).context("reading Cargo.lock")?;
    wasm_bindgen_in_lock(&lock).context("Cargo.lock has no wasm-bindgen package")
}

fn wasm_bindgen_in_lock(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            let version = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

/// The version Trunk.toml pins for wasm-bindgen.
pub fn trunk_pinned_wasm_bindgen() -> anyhow::Result<String> {
    let trunk =
        std::fs::read_to_string(crate::root().join("Trunk.toml")).context("reading Trunk.toml")?;
    trunk
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("wasm_bindgen = \"")
                .and_then(|v| v.strip_suffix('"'))
        })
        .map(str::to_string)
        .context("Trunk.toml has no [tools] wasm_bindgen")
}

fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let locked = locked_wasm_bindgen()?;
    let pinned = trunk_pinned_wasm_bindgen()?;
    if locked != pinned {
        bail!(
            "Trunk.toml pins wasm-bindgen {pinned} but Cargo.lock has {locked}: set [tools] wasm_bindgen = \"{locked}\""
        );
    }
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.trim() == format!("wasm-bindgen {locked}") {
        return Ok(());
    }
    step(&format!(
        "installing wasm-bindgen-cli {locked} from crates.io (about 3 minutes, once)"
    ));
    let locked_install = Command::new("cargo")
        .args([
            "install",
            "--locked",
            "wasm-bindgen-cli",
            "--version",
            &locked,
        ])
        .status();
    if matches!(locked_install, Ok(s) if s.success()) {
        return Ok(());
    }
    // Its published lock file can name a dependency version the registry no longer serves
    // (seen here: webpki-roots 1.0.11); resolving afresh within semver works.
    println!("    the locked install failed; resolving its dependencies afresh");
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &locked]))
}

/// Node tools live in `target/tools` so they stay out of the tree and share its lifetime.
pub fn node_tools_bin() -> PathBuf {
    crate::target_dir()
        .join("tools")
        .join("node_modules")
        .join(".bin")
}

fn ensure_wasm_opt() -> anyhow::Result<()> {
    let wasm_opt = node_tools_bin().join("wasm-opt");
    let have = output(Command::new(&wasm_opt).arg("--version")).unwrap_or_default();
    if have.starts_with(&format!("wasm-opt version {BINARYEN_VERSION}")) {
        return Ok(());
    }
    if !which("npm") {
        bail!(
            "npm is needed to install wasm-opt (binaryen {BINARYEN_VERSION}); install Node.js and npm"
        );
    }
    step(&format!(
        "installing wasm-opt (npm binaryen@{BINARYEN_VERSION})"
    ));
    let dir = crate::target_dir().join("tools");
    std::fs::create_dir_all(&dir)?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .arg(format!("binaryen@{BINARYEN_VERSION}")))
}

/// PATH with the node tools first, for trunk to find wasm-opt.
pub fn path_with_tools() -> std::ffi::OsString {
    let mut paths = vec![node_tools_bin()];
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        paths.push(PathBuf::from(cargo_home).join("bin"));
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("paths without separators")
}

pub const CHROMIUM: &str = "/usr/bin/chromium";

fn ensure_chromium() -> anyhow::Result<()> {
    // The openssl command (with the GOST engine) is the EDS interoperability check's
    // independent verifier; pdftotext (poppler-utils) reads back the PDFs the server makes.
    if std::path::Path::new(CHROMIUM).exists()
        && std::path::Path::new("/usr/share/fonts/truetype/dejavu").exists()
        && gost_engine_present()
        && std::path::Path::new("/usr/bin/pdftotext").exists()
    {
        return Ok(());
    }
    step(
        "installing Chromium, fonts, openssl with its GOST engine and poppler-utils from Debian (about 1 minute)",
    );
    apt_install(&[
        "chromium",
        "fonts-dejavu-core",
        "openssl",
        "libengine-gost-openssl",
        "poppler-utils",
    ])
}

/// Whether `openssl` runs and loads the GOST engine.
fn gost_engine_present() -> bool {
    Command::new("openssl")
        .args(["engine", "-t", "gost"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs Debian packages (as root, or through sudo).
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let sudo: &[&str] = if output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0") {
        &[]
    } else {
        &["sudo"]
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = Command::new(all[0]);
        c.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install)
}

/// The server's release build (what `serve` runs and `bench` loads).
pub fn build_server() -> anyhow::Result<()> {
    step("building the server (cargo build --release -p qyzmet-server)");
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "qyzmet-server"])
        .current_dir(crate::root()))
}

pub fn browser_tests_dir() -> PathBuf {
    crate::root().join("tests").join("browser")
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn ensure_browser_test_packages() -> anyhow::Result<()> {
    let dir = browser_tests_dir();
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => s.modified()? >= l.modified()?,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    step("installing the browser-test packages (npm ci)");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wasm_bindgen_cli_trunk_pins_is_the_one_the_lock_resolved() {
        assert_eq!(
            trunk_pinned_wasm_bindgen().unwrap(),
            locked_wasm_bindgen().unwrap()
        );
    }

    #[test]
    fn lock_parsing_finds_the_exact_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.1\"\n";
        assert_eq!(wasm_bindgen_in_lock(lock).as_deref(), Some("0.2.1"));
        assert_eq!(wasm_bindgen_in_lock("[[package]]\nname = \"x\""), None);
    }
}
