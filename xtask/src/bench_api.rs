//! The API under load on loopback, for `cargo xtask bench`: requests per second and latency
//! percentiles of `GET /api/services` and `GET` of one request (wrk), the submit path's
//! latency (each submission a fresh complete draft, signed with a demo key, timed by curl),
//! and the server's resident memory while a 49 MB upload streams to disk.

use crate::cmd::{self, output, step};
use crate::tools;
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CITIZEN: (&str, &str) = ("880315412341", "Aigul-demo-2026");
/// The phone the demo registry holds for the citizen (the TEST SMS outbox's key).
const CITIZEN_PHONE: &str = "+77011234567";
const PDF_HEAD: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

struct Server {
    child: Child,
    base: String,
    data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> anyhow::Result<Server> {
    tools::build_server()?;
    let data = crate::target_dir().join("bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(crate::target_dir().join("release").join("qyzmet-server"))
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
        .context("starting qyzmet-server")?;
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
    // Keep reading (and dropping) its output so the pipe never fills.
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Server { child, base, data })
}

/// curl with the session cookie jar and the CSRF header; returns the body.
fn curl(jar: &Path, args: &[&str]) -> anyhow::Result<String> {
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

fn json_field(body: &str, field: &str) -> anyhow::Result<String> {
    let v: serde_json::Value = serde_json::from_str(body)?;
    v[field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {field} in {body}"))
}

fn session_cookie(jar: &Path) -> anyhow::Result<String> {
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

/// `wrk` for 10 s with 32 connections: (requests/s, p50, p99).
fn wrk(url: &str, cookie: Option<&str>) -> anyhow::Result<(String, String, String)> {
    let mut c = Command::new("wrk");
    c.args(["-t2", "-c32", "-d10s", "--latency"]);
    if let Some(cookie) = cookie {
        c.args(["-H", &format!("Cookie: {cookie}")]);
    }
    let out = output(c.arg(url)).context("wrk")?;
    let find = |prefix: &str| {
        out.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_string()
    };
    Ok((find("Requests/sec:"), find("50%"), find("99%")))
}

fn new_draft(base: &str, jar: &Path, service: &str) -> anyhow::Result<String> {
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

fn complete_draft(base: &str, jar: &Path, pdf: &Path) -> anyhow::Result<String> {
    let id = new_draft(base, jar, "guardianship")?;
    let answers = r#"{"version":1,"answers":{"marital_status":"single","address":"Тараз қ., Төле би к. 12","children":[{"last_name":"Ахметов","first_name":"Нұрлан","birth_date":"2016-05-04","iin":"160504512345","kinship":"relative"}],"care_kind":"guardianship","reason":"Баланың ата-анасы қайтыс болды.","phone":"+7 701 123 45 67","email":"aigul@example.kz"}}"#;
    curl(
        jar,
        &[
            "-X",
            "PATCH",
            "-H",
            "content-type: application/json",
            "-d",
            answers,
            &format!("{base}/api/applications/{id}"),
        ],
    )?;
    for doc in [
        "health_certificate",
        "parental_care_loss",
        "birth_certificates",
    ] {
        let form = format!("file=@{};type=application/pdf", pdf.display());
        curl(
            jar,
            &[
                "-F",
                &form,
                &format!("{base}/api/applications/{id}/attachments/{doc}"),
            ],
        )?;
    }
    Ok(id)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn submit_latency(
    server: &Server,
    jar: &Path,
    pdf: &Path,
    rounds: usize,
) -> anyhow::Result<Vec<f64>> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let key_file = std::fs::read(server.data.join("pki/keys/880315412341-signing.p12"))?;
    let key = qyzmet_eds::open_pkcs12(&key_file, "Qwerty12").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut times = Vec::new();
    for i in 0..rounds {
        let id = complete_draft(&server.base, jar, pdf)?;
        let formed = curl(
            jar,
            &[&format!(
                "{}/api/applications/{id}/outgoing-document",
                server.base
            )],
        )?;
        let document = b64.decode(json_field(&formed, "document")?)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        let signature = b64.encode(
            qyzmet_eds::sign_detached(&key, &document, now).map_err(|e| anyhow::anyhow!("{e}"))?,
        );
        let body = format!(
            r#"{{"document":"{}","signature":"{signature}"}}"#,
            b64.encode(&document)
        );
        let timing = curl(
            jar,
            &[
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{time_total}",
                "-H",
                "content-type: application/json",
                "-H",
                &format!("idempotency-key: bench-{i}"),
                "-d",
                &body,
                &format!("{}/api/applications/{id}/submit", server.base),
            ],
        )?;
        let (code, secs) = timing.split_once(' ').context("curl timing")?;
        if code != "201" {
            bail!("submit answered {code}");
        }
        times.push(secs.trim().parse::<f64>()? * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Peak RSS while a 49 MB file uploads (the 50 MB slot of monument-restoration-agreement).
fn rss_during_upload(server: &Server, jar: &Path) -> anyhow::Result<(u64, u64)> {
    let big = crate::target_dir().join("bench-49mb.pdf");
    let mut bytes = PDF_HEAD.to_vec();
    bytes.resize(49 * 1024 * 1024, b' ');
    std::fs::write(&big, &bytes)?;
    let base = &server.base;
    let id = new_draft(base, jar, "monument-restoration-agreement")?;
    let pid = server.child.id();
    let before = rss_kb(pid).unwrap_or(0);
    let form = format!("file=@{};type=application/pdf", big.display());
    let url = format!("{base}/api/applications/{id}/attachments/restoration_project");
    let jar = jar.to_path_buf();
    let upload =
        std::thread::spawn(move || curl(&jar, &["--limit-rate", "20M", "-F", &form, &url]));
    let mut peak = before;
    while !upload.is_finished() {
        peak = peak.max(rss_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(10));
    }
    upload
        .join()
        .map_err(|_| anyhow::anyhow!("upload thread"))??;
    let _ = std::fs::remove_file(&big);
    Ok((before, peak))
}

/// The password, then the code the TEST SMS outbox shows for the citizen's registry phone.
fn log_in(base: &str, jar: &Path) -> anyhow::Result<()> {
    let login = format!(r#"{{"login":"{}","password":"{}"}}"#, CITIZEN.0, CITIZEN.1);
    let json = ["-H", "content-type: application/json", "-d"];
    let sent = curl(
        jar,
        &[&json[..], &[&login, &format!("{base}/api/session")]].concat(),
    )?;
    let verification_id = json_field(&sent, "verification_id")?;
    let outbox = curl(
        jar,
        &[&format!("{base}/api/test-sms-outbox/{CITIZEN_PHONE}")],
    )?;
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

pub fn run() -> anyhow::Result<()> {
    if !cmd::which("wrk") {
        step("installing wrk from Debian (the load generator)");
        tools::apt_install(&["wrk"])?;
    }
    let server = start_server()?;
    let jar = crate::target_dir().join("bench-cookies.txt");
    let _ = std::fs::remove_file(&jar);
    log_in(&server.base, &jar)?;
    let cookie = session_cookie(&jar)?;
    let pdf = crate::target_dir().join("bench-small.pdf");
    std::fs::write(&pdf, PDF_HEAD)?;
    let one = complete_draft(&server.base, &jar, &pdf)?;

    step("load on loopback (wrk: 2 threads, 32 connections, 10 s each)");
    println!("\n| endpoint | requests/s | p50 | p99 |\n|---|---|---|---|");
    let (rps, p50, p99) = wrk(&format!("{}/api/services", server.base), None)?;
    println!("| GET /api/services | {rps} | {p50} | {p99} |");
    let (rps, p50, p99) = wrk(
        &format!("{}/api/applications/{one}", server.base),
        Some(&cookie),
    )?;
    println!("| GET /api/applications/{{id}} | {rps} | {p50} | {p99} |");
    let times = submit_latency(&server, &jar, &pdf, 30)?;
    let total: f64 = times.iter().sum();
    println!(
        "| POST …/submit (sequential, 30 fresh drafts; verify + register) | {:.1} | {:.1} ms | {:.1} ms |",
        1000.0 * times.len() as f64 / total,
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    let (before, peak) = rss_during_upload(&server, &jar)?;
    println!(
        "\nServer RSS while a 49 MB upload streams: {:.1} MB before, {:.1} MB peak (the file is never held whole in memory).",
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    Ok(())
}
