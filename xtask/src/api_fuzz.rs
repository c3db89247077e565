//! Schemathesis against the API, for `cargo xtask test`: every operation of
//! `/api/openapi.json` is called with schema-valid and schema-violating requests as the
//! logged-in demo citizen (with one draft of theirs to reach). It fails on a 5xx, an answer
//! outside the documented statuses, content types or schemas, a schema-violating request
//! accepted, or a schema-valid one refused — with the few allowances
//! `tests/api/schemathesis.toml` states and explains.

use crate::cmd::{run, step};
use crate::live_server::{Server, log_in, new_draft, session_cookie};
use std::path::PathBuf;
use std::process::Command;

/// Pinned so a run is the same on every machine; a newer release adds checks on purpose.
const SCHEMATHESIS: &str = "4.32.5";
/// Cases per operation and phase: enough to cover every parameter's shapes in about a minute.
const MAX_EXAMPLES: &str = "20";

/// `target/schemathesis`: a Python virtual environment with schemathesis from PyPI.
pub fn ensure_schemathesis() -> anyhow::Result<PathBuf> {
    let venv = crate::target_dir().join("schemathesis");
    let st = venv.join("bin").join("st");
    let stamp = venv.join(format!(".installed-{SCHEMATHESIS}"));
    if st.exists() && stamp.exists() {
        return Ok(st);
    }
    step(&format!(
        "installing schemathesis {SCHEMATHESIS} (PyPI) into target/schemathesis"
    ));
    if !Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .status()
        .is_ok_and(|s| s.success())
    {
        crate::tools::apt_install(&["python3-venv"])?;
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        &format!("schemathesis=={SCHEMATHESIS}"),
    ]))?;
    std::fs::write(&stamp, "")?;
    Ok(st)
}

/// Runs the fuzzing against the debug server `cargo test` built; whether it found nothing.
pub fn fuzz() -> anyhow::Result<bool> {
    let st = ensure_schemathesis()?;
    let binary = crate::target_dir().join("debug").join("qyzmet-server");
    let server = Server::start(&binary, "api-fuzz-data")?;
    let jar = crate::target_dir().join("api-fuzz-cookies.txt");
    let _ = std::fs::remove_file(&jar);
    log_in(&server.base, &jar)?;
    let cookie = session_cookie(&jar)?;
    let draft = new_draft(&server.base, &jar, "guardianship")?;
    step("API fuzzing (schemathesis, every check)");
    let status = Command::new(st)
        .arg("--config-file")
        .arg(
            crate::root()
                .join("tests")
                .join("api")
                .join("schemathesis.toml"),
        )
        .args(["--no-color", "run"])
        .arg(format!("{}/api/openapi.json", server.base))
        .args(["-H", &format!("Cookie: {cookie}"), "-H", "x-qyzmet-csrf: 1"])
        .args(["--checks", "all", "--max-examples", MAX_EXAMPLES])
        .args(["--phases", "examples,coverage,fuzzing"])
        .env("QYZMET_DRAFT_ID", draft)
        // Its cache (`.schemathesis/`) belongs under target/, not in the work tree.
        .current_dir(crate::target_dir())
        .status()?;
    Ok(status.success())
}
