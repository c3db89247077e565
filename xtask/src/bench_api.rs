//! The API under load on loopback, for `cargo xtask bench`: requests per second and latency
//! percentiles of `GET /api/services` and `GET` of one request (wrk), the submit path's
//! latency (each submission a fresh complete draft, signed with a demo key, timed by curl),
//! and the server's resident memory while a 49 MB upload streams to disk.

use crate::cmd::{self, output, step};
use crate::live_server::{Server, curl, json_field, log_in, new_draft, session_cookie};
use crate::tools;
use anyhow::{Context, bail};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const PDF_HEAD: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// `wrk` for 10 s with 32 connections: (requests/s, p50, p99).
pub fn wrk(url: &str, cookie: Option<&str>) -> anyhow::Result<(String, String, String)> {
    if !cmd::which("wrk") {
        step("installing wrk from Debian (the load generator)");
        tools::apt_install(&["wrk"])?;
    }
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

pub fn complete_draft(base: &str, jar: &Path, pdf: &Path) -> anyhow::Result<String> {
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

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Submits `rounds` fresh complete drafts one after another; each submit's time (ms), and
/// the submitted ids.
pub fn submit_latency(
    base: &str,
    data: &Path,
    jar: &Path,
    pdf: &Path,
    rounds: usize,
) -> anyhow::Result<(Vec<f64>, Vec<String>)> {
    submit_latency_with(base, data, jar, pdf, rounds, Algorithm::Gost)
}

/// Whose key signs the benchmark's submissions: the demo citizen's GOST key (as NCA RK issues
/// them today) or their RSA one.
#[derive(Clone, Copy, PartialEq)]
pub enum Algorithm {
    Gost,
    Rsa,
}

pub fn submit_latency_with(
    base: &str,
    data: &Path,
    jar: &Path,
    pdf: &Path,
    rounds: usize,
    algorithm: Algorithm,
) -> anyhow::Result<(Vec<f64>, Vec<String>)> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let keys = match algorithm {
        Algorithm::Gost => data.join("pki/keys"),
        Algorithm::Rsa => data.join("pki/keys/rsa"),
    };
    let key_file = std::fs::read(keys.join("880315412341-signing.p12"))?;
    let key = qyzmet_eds::open_pkcs12(&key_file, "Qwerty12").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut times = Vec::new();
    let mut ids = Vec::new();
    for i in 0..rounds {
        let id = complete_draft(base, jar, pdf)?;
        let formed = curl(
            jar,
            &[&format!("{base}/api/applications/{id}/outgoing-document")],
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
                &format!("idempotency-key: bench-{id}-{i}"),
                "-d",
                &body,
                &format!("{base}/api/applications/{id}/submit"),
            ],
        )?;
        let (code, secs) = timing.split_once(' ').context("curl timing")?;
        if code != "201" {
            bail!("submit answered {code}");
        }
        times.push(secs.trim().parse::<f64>()? * 1000.0);
        ids.push(id);
    }
    times.sort_by(f64::total_cmp);
    Ok((times, ids))
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

/// Signing in the browser's signer worker (wasm, Chromium): open the demo key and sign 10 KB,
/// per signature (`tests/browser/bench/worker-sign.js`).
fn worker_sign(server: &Server) -> anyhow::Result<()> {
    tools::ensure_browser_tools()?;
    step("signing in the browser's signer worker (wasm, Chromium; open the .p12 + sign 10 KB)");
    println!("\n| key | p50 | p90 | signatures |\n|---|---|---|---|");
    let status = std::process::Command::new("node")
        .arg("bench/worker-sign.js")
        .current_dir(tools::browser_tests_dir())
        .env("QYZMET_BASE", &server.base)
        .env("QYZMET_KEYS", server.data.join("pki").join("keys"))
        .env("QYZMET_CHROMIUM", tools::CHROMIUM)
        .status()?;
    if !status.success() {
        bail!("the worker signing benchmark failed");
    }
    Ok(())
}

/// A release server with the demo citizen logged in: the server, the cookie jar and the
/// session cookie, a small PDF, and one complete draft of theirs.
/// A release server with the demo citizen logged in and one complete draft.
pub struct Bench {
    pub server: Server,
    pub jar: std::path::PathBuf,
    pub cookie: String,
    pub pdf: std::path::PathBuf,
    pub one: String,
}

pub fn bench_server() -> anyhow::Result<Bench> {
    tools::build_server()?;
    let server = Server::start(
        &crate::target_dir().join("release").join("qyzmet-server"),
        "bench-data",
    )?;
    let jar = crate::target_dir().join("bench-cookies.txt");
    let _ = std::fs::remove_file(&jar);
    log_in(&server.base, &jar)?;
    let cookie = session_cookie(&jar)?;
    let pdf = crate::target_dir().join("bench-small.pdf");
    std::fs::write(&pdf, PDF_HEAD)?;
    let one = complete_draft(&server.base, &jar, &pdf)?;
    Ok(Bench {
        server,
        jar,
        cookie,
        pdf,
        one,
    })
}

/// The API's throughput and latency, the signer worker, and memory during an upload.
pub fn run(b: &Bench) -> anyhow::Result<()> {
    let Bench {
        server,
        jar,
        cookie,
        pdf: _,
        one,
    } = b;

    step("load on loopback (wrk: 2 threads, 32 connections, 10 s each)");
    println!("\n| endpoint | requests/s | p50 | p99 |\n|---|---|---|---|");
    let (rps, p50, p99) = wrk(&format!("{}/api/services", server.base), None)?;
    println!("| GET /api/services | {rps} | {p50} | {p99} |");
    let (rps, p50, p99) = wrk(
        &format!("{}/api/applications/{one}", server.base),
        Some(cookie),
    )?;
    println!("| GET /api/applications/{{id}} | {rps} | {p50} | {p99} |");
    submissions(b)?;
    worker_sign(server)?;
    let (before, peak) = rss_during_upload(server, jar)?;
    println!(
        "\nServer RSS while a 49 MB upload streams: {:.1} MB before, {:.1} MB peak (the file is never held whole in memory).",
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    Ok(())
}

/// Submissions signed with GOST beside RSA: sequential, alternating rounds of ten so neither
/// gets the quieter minute (#28: GOST submissions per second at least RSA's).
pub fn submissions(b: &Bench) -> anyhow::Result<()> {
    let Bench {
        server, jar, pdf, ..
    } = b;
    let (mut gost, mut rsa) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (times, _) =
            submit_latency_with(&server.base, &server.data, jar, pdf, 10, Algorithm::Gost)?;
        gost.extend(times);
        let (times, _) =
            submit_latency_with(&server.base, &server.data, jar, pdf, 10, Algorithm::Rsa)?;
        rsa.extend(times);
    }
    let mut rates = Vec::new();
    for (name, times) in [("GOST 34.10-2015 512", &mut gost), ("RSA-2048", &mut rsa)] {
        times.sort_by(f64::total_cmp);
        let rate = 1000.0 * times.len() as f64 / times.iter().sum::<f64>();
        rates.push(rate);
        println!(
            "| POST …/submit (sequential, 50 fresh drafts, {name}; verify + OCSP + time-stamp + register) | {rate:.1} | {:.1} ms | {:.1} ms |",
            percentile(times, 0.5),
            percentile(times, 0.99)
        );
    }
    println!(
        "\nGOST submissions at {:.2} of RSA's rate (goal ≥ 1.00: {}).",
        rates[0] / rates[1],
        if rates[0] >= rates[1] {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}
