//! The scale-out figures of `cargo xtask bench`: reads and signed submissions on one instance
//! over SQLite, one over PostgreSQL, and two over PostgreSQL behind nginx (on this 2-core
//! machine the last is bounded by the cores: wrk, nginx, two servers and PostgreSQL share
//! them); and how long a decision made through one instance takes to reach an event stream
//! connected to the other (100 decisions).

use crate::bench_api::{complete_draft, percentile, submit_latency, wrk};
use crate::cmd::step;
use crate::live_server::{Server, curl, log_in, log_in_officer, session_cookie};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One row per endpoint for the instance(s) at `base`.
fn rows(label: &str, base: &str, data: &Path, pdf: &Path) -> anyhow::Result<()> {
    let jar = crate::target_dir().join(format!("bench-scale-{}.txt", label.len()));
    let _ = std::fs::remove_file(&jar);
    log_in(base, &jar)?;
    let cookie = session_cookie(&jar)?;
    let one = complete_draft(base, &jar, pdf)?;
    let (rps, p50, p99) = wrk(&format!("{base}/api/services"), None)?;
    println!("| {label} | GET /api/services | {rps} | {p50} | {p99} |");
    let (rps, p50, p99) = wrk(&format!("{base}/api/applications/{one}"), Some(&cookie))?;
    println!("| {label} | GET /api/applications/{{id}} | {rps} | {p50} | {p99} |");
    let (times, _) = submit_latency(base, data, &jar, pdf, 20)?;
    let total: f64 = times.iter().sum();
    println!(
        "| {label} | POST …/submit (sequential, 20) | {:.1} | {:.1} ms | {:.1} ms |",
        1000.0 * times.len() as f64 / total,
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    Ok(())
}

/// Decisions (take into review) through instance A, the applicant's stream on instance B:
/// the time from sending the move to the event's arrival, per decision.
fn event_latency(a: &str, b: &str, data: &Path, pdf: &Path, n: usize) -> anyhow::Result<Vec<f64>> {
    let citizen = crate::target_dir().join("bench-events-citizen.txt");
    let officer = crate::target_dir().join("bench-events-officer.txt");
    let _ = std::fs::remove_file(&citizen);
    let _ = std::fs::remove_file(&officer);
    log_in(b, &citizen)?;
    log_in_officer(a, &officer)?;
    let (_, ids) = submit_latency(b, data, &citizen, pdf, n)?;
    let cookie = session_cookie(&citizen)?;
    let mut stream = Command::new("curl")
        .args([
            "-sN",
            "-H",
            &format!("Cookie: {cookie}"),
            &format!("{b}/api/events"),
        ])
        .stdout(Stdio::piped())
        .spawn()?;
    let (tx, rx) = mpsc::channel::<(String, Instant)>();
    let lines = BufReader::new(stream.stdout.take().expect("piped")).lines();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("data:") && line.contains("in_review") {
                let _ = tx.send((line, Instant::now()));
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut times = Vec::new();
    for id in &ids {
        let sent = Instant::now();
        curl(
            &officer,
            &[
                "-H",
                "content-type: application/json",
                "-d",
                r#"{"from":"registered","to":"in_review"}"#,
                &format!("{a}/api/officer/requests/{id}/moves"),
            ],
        )?;
        loop {
            let (line, at) = rx.recv_timeout(Duration::from_secs(5))?;
            if line.contains(id.as_str()) {
                times.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    let _ = stream.kill();
    let _ = stream.wait();
    times.sort_by(f64::total_cmp);
    Ok(times)
}

pub fn run(pdf: &Path) -> anyhow::Result<()> {
    step("scale-out: one instance on SQLite, one on PostgreSQL, two on PostgreSQL behind nginx");
    let binary = crate::target_dir().join("release").join("qyzmet-server");
    println!("\n| deployment | endpoint | requests/s | p50 | p99 |\n|---|---|---|---|---|");
    {
        let sqlite = Server::start(&binary, "bench-scale-sqlite")?;
        rows("1 × SQLite", &sqlite.base, &sqlite.data, pdf)?;
    }
    let data = crate::target_dir().join("bench-cluster-data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let cluster = crate::cluster::Cluster::start("bench-cluster", 2, &binary, &data, port)?;
    rows(
        "1 × PostgreSQL (+S3)",
        &cluster.instance_urls[0],
        &data,
        pdf,
    )?;
    rows("2 × PostgreSQL behind nginx", &cluster.url, &data, pdf)?;
    let times = event_latency(
        &cluster.instance_urls[0],
        &cluster.instance_urls[1],
        &data,
        pdf,
        100,
    )?;
    println!(
        "\nA decision through instance A reaching a stream on instance B (LISTEN/NOTIFY), {} decisions: p50 {:.1} ms, p99 {:.1} ms.",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    Ok(())
}
