//! A throwaway PostgreSQL for the test suite (and the cluster command): Debian's server,
//! `initdb` into a folder under the temp directory, run as the unprivileged `postgres` user (root
//! cannot run it) on a free port, stopped and removed when dropped.

use crate::cmd::step;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// Installs Debian's PostgreSQL 15 server when it is not there.
pub fn ensure_installed() -> anyhow::Result<()> {
    if Path::new(BIN).join("initdb").exists() {
        return Ok(());
    }
    step("installing PostgreSQL 15 from Debian (about 1 minute)");
    crate::tools::apt_install(&["postgresql-15"])
}

/// A running server; stopped and its folder removed on drop.
pub struct Postgres {
    dir: PathBuf,
    pub port: u16,
}

impl Postgres {
    /// `initdb` (trust authentication on loopback only, no fsync: test data) and start.
    pub fn start(name: &str) -> anyhow::Result<Postgres> {
        ensure_installed()?;
        // Under the system's temp folder, not `target/`: the `postgres` user must reach it, and
        // a checkout under a private home folder (mode 700) would not let it.
        let dir = std::env::temp_dir().join(format!("qyzmet-{name}"));
        stop_leftover(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        if running_as_root() {
            as_postgres(
                Command::new("chown").args(["postgres:postgres"]).arg(&dir),
                false,
            )?;
        }
        let port = free_port()?;
        let data = dir.join("data");
        as_postgres(
            Command::new(Path::new(BIN).join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", "postgres", "--no-sync"])
                .stdout(std::process::Stdio::null()),
            true,
        )
        .context("initdb")?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off",
            dir.display()
        );
        as_postgres(
            Command::new(Path::new(BIN).join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(dir.join("server.log"))
                .args(["-w", "start"])
                .stdout(std::process::Stdio::null()),
            true,
        )
        .context("starting PostgreSQL")?;
        Ok(Postgres { dir, port })
    }

    /// `postgres://postgres@127.0.0.1:PORT` (append `/DATABASE`).
    pub fn base_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        stop_leftover(&self.dir);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Stops a server a killed run left in `dir`, if any.
fn stop_leftover(dir: &Path) {
    let data = dir.join("data");
    if data.join("postmaster.pid").exists() {
        let _ = as_postgres(
            Command::new(Path::new(BIN).join("pg_ctl"))
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "stop"])
                .stdout(std::process::Stdio::null()),
            true,
        );
    }
}

/// Runs `cmd` as the `postgres` user when we are root (`as_user`), else as ourselves.
fn as_postgres(cmd: &mut Command, as_user: bool) -> anyhow::Result<()> {
    let status = if running_as_root() && as_user {
        let mut runuser = Command::new("runuser");
        runuser
            .args(["-u", "postgres", "--"])
            .arg(cmd.get_program())
            .args(cmd.get_args());
        runuser.stdout(std::process::Stdio::null()).status()?
    } else {
        cmd.status()?
    };
    if !status.success() {
        bail!("{:?} failed: {status}", cmd.get_program());
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn running_as_root() -> bool {
    crate::cmd::output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0")
}
