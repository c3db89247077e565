//! A real `qyzmet-server` on a fresh demo data folder and a free loopback port, and curl with
//! a cookie jar to talk to it as the demo citizen: what `bench` loads and `test` fuzzes.

use crate::cmd::output;
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The demo citizen's IIN and password.
pub const CITIZEN: (&str, &str) = ("880315412341", "Aigul-demo-2026");
/// The phone the demo registry holds for the citizen (the TEST SMS outbox's key).
const CITIZEN_PHONE: &str = "+77011234567";

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `binary` on `target/<data_name>` (emptied first) and waits until it listens.
    pub fn start(binary: &Path, data_name: &str) -> anyhow::Result<Server> {
        let data = crate::target_dir().join(data_name);
        let _ = std::fs::remove_dir_all(&data);
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut child = Command::new(binary)
            .arg("--demo")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            .arg("--dist-dir")
            .arg(crate::root().join("dist"))
            .arg("--catalogue-dir")
            .arg(crate::root().join("catalogue"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            match lines.next() {
                Some(line) => {
                    if let Some(url) = line?.strip_prefix("qyzmet-server listening on ") {
                        break url.to_string();
                    }
                }
                None => bail!("qyzmet-server exited before it was ready"),
            }
        };
        // Keep reading its output so the pipe never fills, into a log beside its data (for a
        // look at what a run spent its time on).
        let mut log = std::io::BufWriter::new(std::fs::File::create(
            crate::target_dir().join(format!("{data_name}.log")),
        )?);
        std::thread::spawn(move || {
            use std::io::Write;
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
            }
        });
        Ok(Server { child, base, data })
    }
}

/// curl with the session cookie jar and the CSRF header; returns the body.
pub fn curl(jar: &Path, args: &[&str]) -> anyhow::Result<String> {
    output(
        Command::new("curl")
            .args(["-sS", "--fail-with-body", "-b"])
            .arg(jar)
            .arg("-c")
            .arg(jar)
            .args(["-H", "x-qyzmet-csrf: 1"])
            .args(args),
    )
    .with_context(|| format!("curl {args:?}"))
}

pub fn json_field(body: &str, field: &str) -> anyhow::Result<String> {
    let v: serde_json::Value = serde_json::from_str(body)?;
    v[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {body}"))
}

pub fn session_cookie(jar: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(jar)?;
    text.lines()
        .filter_map(|l| {
            l.split('\t')
                .collect::<Vec<_>>()
                .get(5..7)
                .map(|kv| (kv[0].to_string(), kv[1].to_string()))
        })
        .find(|(k, _)| k == "qyzmet_session")
        .map(|(k, v)| format!("{k}={v}"))
        .context("no session cookie")
}

/// A new draft of `service` for the logged-in account; its id.
pub fn new_draft(base: &str, jar: &Path, service: &str) -> anyhow::Result<String> {
    let body = format!(r#"{{"service_id":"{service}"}}"#);
    let created = curl(
        jar,
        &[
            "-H",
            "content-type: application/json",
            "-d",
            &body,
            &format!("{base}/api/applications"),
        ],
    )?;
    json_field(&created, "id")
}

/// The demo officer of the guardianship provider, and the phone the registry holds for them.
pub const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");
const OFFICER_PHONE: &str = "+77262000006";

/// The password, then the code the TEST SMS outbox shows for the citizen's registry phone.
pub fn log_in(base: &str, jar: &Path) -> anyhow::Result<()> {
    log_in_as(base, jar, CITIZEN, CITIZEN_PHONE)
}

/// The same for the demo officer.
pub fn log_in_officer(base: &str, jar: &Path) -> anyhow::Result<()> {
    log_in_as(base, jar, OFFICER, OFFICER_PHONE)
}

fn log_in_as(base: &str, jar: &Path, who: (&str, &str), phone: &str) -> anyhow::Result<()> {
    let login = format!(r#"{{"login":"{}","password":"{}"}}"#, who.0, who.1);
    let json = ["-H", "content-type: application/json", "-d"];
    let sent = curl(
        jar,
        &[&json[..], &[&login, &format!("{base}/api/session")]].concat(),
    )?;
    let verification_id = json_field(&sent, "verification_id")?;
    let outbox = curl(jar, &[&format!("{base}/api/test-sms-outbox/{phone}")])?;
    let messages: Vec<serde_json::Value> = serde_json::from_str(&outbox)?;
    let body = messages
        .iter()
        .find(|m| m["reference"].as_str() == Some(verification_id.as_str()))
        .and_then(|m| m["body"].as_str())
        .context("no code in the TEST SMS outbox")?;
    let code = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .context("no six-digit code in the message")?;
    let confirm = format!(r#"{{"verification_id":"{verification_id}","code":"{code}"}}"#);
    curl(
        jar,
        &[&json[..], &[&confirm, &format!("{base}/api/session/code")]].concat(),
    )?;
    Ok(())
}
