//! Running commands with their output shown, and failing with the command named.

use anyhow::{Context, bail};
use std::process::{Command, Stdio};

/// Prints a step header so long runs show where they are.
pub fn step(title: &str) {
    println!("\n\x1b[1m==> {title}\x1b[0m");
}

/// Runs to completion with output streamed; an error names the command.
pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Runs and captures stdout, or `None` when the program is missing or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn which(program: &str) -> bool {
    output(Command::new("sh").args(["-c", &format!("command -v {program}")])).is_some()
}
