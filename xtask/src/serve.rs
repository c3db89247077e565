//! `cargo xtask serve`: set up, build the app, start the portal and say where to open it.

use crate::cmd::step;
use crate::tools;
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut addr = std::env::var("QYZMET_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let mut data_dir = std::env::var("QYZMET_DATA_DIR").unwrap_or_else(|_| "data".into());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--addr" => addr = it.next().context("--addr needs HOST:PORT")?.clone(),
            "--data-dir" => data_dir = it.next().context("--data-dir needs a directory")?.clone(),
            other => bail!("unknown option {other} (see `cargo xtask`)"),
        }
    }
    tools::ensure_build_tools()?;
    crate::app_build::build_app()?;
    tools::build_server()?;

    let root = crate::root();
    let server = crate::target_dir().join("release").join("qyzmet-server");
    step("starting the portal");
    let mut child = Command::new(server)
        .args(["--demo", "--addr", &addr, "--data-dir", &data_dir])
        .arg("--dist-dir")
        .arg(root.join("dist"))
        .arg("--catalogue-dir")
        .arg(root.join("catalogue"))
        .stdout(Stdio::piped())
        .spawn()
        .context("starting qyzmet-server")?;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(url) = line.strip_prefix("qyzmet-server listening on ") {
            println!();
            println!("  Qyzmet is running. Open {url}/ in a browser.");
            println!("  Data directory: {data_dir}");
            println!("  Stop it with Ctrl-C.");
            println!();
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("qyzmet-server stopped ({status})");
    }
    Ok(())
}
