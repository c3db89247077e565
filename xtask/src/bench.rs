//! `cargo xtask bench`: budgets measured, not asserted in tests: the app's first-load
//! transfer (what a browser fetches to show the home page, raw and gzip-compressed at the
//! level the server's compression uses), what the EDS signer adds when someone signs, and
//! the time one submission's signature takes to verify.

use crate::tools;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// The first-load budget (gzip) the product aims for.
const FIRST_LOAD_BUDGET_GZIP: u64 = 150 * 1024;

pub fn run(_args: &[String]) -> anyhow::Result<()> {
    tools::ensure_build_tools()?;
    tools::build_app()?;
    let dist = crate::root().join("dist");
    let mut rows = Vec::new();
    let mut on_demand = Vec::new();
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
        // The signer worker is fetched when the sign step (or EDS login) starts.
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("qyzmet-signer"))
        {
            on_demand.push(path);
            continue;
        }
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => "HTML",
            Some("js") => "JS",
            Some("wasm") => "wasm",
            Some("css") => "CSS",
            _ => continue,
        };
        rows.push((kind, path));
    }
    // The first page also fetches one language's messages.
    rows.push(("locale", dist.join("locales").join("kk.json")));
    rows.sort();
    println!("\nFirst-load transfer (release build, dist/):\n");
    println!(
        "| {:<6} | {:<40} | {:>10} | {:>10} |",
        "kind", "file", "raw", "gzip"
    );
    println!("|{:-<8}|{:-<42}|{:->12}|{:->12}|", "", "", "", "");
    let (mut raw_total, mut gz_total) = (0, 0);
    for (kind, path) in &rows {
        let (raw, gz) = sizes(path)?;
        raw_total += raw;
        gz_total += gz;
        let name = path
            .strip_prefix(&dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!(
            "| {kind:<6} | {name:<40} | {:>10} | {:>10} |",
            kb(raw),
            kb(gz)
        );
    }
    println!(
        "| {:<6} | {:<40} | {:>10} | {:>10} |",
        "total",
        "",
        kb(raw_total),
        kb(gz_total)
    );
    let verdict = if gz_total <= FIRST_LOAD_BUDGET_GZIP {
        "within"
    } else {
        "OVER"
    };
    println!(
        "\nBudget: {} gzip for the first load: {verdict} budget.",
        kb(FIRST_LOAD_BUDGET_GZIP)
    );
    on_demand.sort();
    println!("\nLoaded only when someone signs (the EDS signer worker):\n");
    let (mut raw_total, mut gz_total) = (0, 0);
    for path in &on_demand {
        let (raw, gz) = sizes(path)?;
        raw_total += raw;
        gz_total += gz;
        let name = path
            .strip_prefix(&dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!("| {name:<40} | {:>10} | {:>10} |", kb(raw), kb(gz));
    }
    println!(
        "| {:<40} | {:>10} | {:>10} |",
        "total",
        kb(raw_total),
        kb(gz_total)
    );
    signature_verification()?;
    crate::bench_api::run()
}

/// One submission's EDS check as the server runs it: detached CMS over a 10 KB document,
/// chain of two CAs, CRL, key usage, IIN.
fn signature_verification() -> anyhow::Result<()> {
    use qyzmet_eds::issue::{Authority, Period, Subject};
    use qyzmet_eds::{Expected, Purpose, TrustStore};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let years = Period {
        not_before: now - 86_400,
        not_after: now + 3650 * 86_400,
    };
    let root = Authority::root("Bench Root", years)?;
    let issuing = root.subordinate("Bench Issuing", years)?;
    let subject = Subject {
        common_name: "BENCH".into(),
        iin: "880315412341".into(),
        ..Subject::default()
    };
    let holder = issuing.issue(&subject, Purpose::Signing, years)?;
    let trust = TrustStore {
        anchors: vec![root.certificate.clone()],
        intermediates: vec![issuing.certificate.clone()],
        crls: vec![issuing.crl(&[], now - 60, now + 86_400)?],
    };
    let document = vec![b'x'; 10 * 1024];
    let signature = qyzmet_eds::sign_detached(&holder.signing_key(), &document, now as u64)?;
    let expected = Expected::Iin("880315412341".into());
    const ROUNDS: u32 = 200;
    let started = std::time::Instant::now();
    for _ in 0..ROUNDS {
        qyzmet_eds::verify_detached(
            &signature,
            &document,
            &trust,
            Purpose::Signing,
            &expected,
            Some(now),
        )
        .map_err(|e| anyhow::anyhow!("bench signature did not verify: {e}"))?;
    }
    let per = started.elapsed() / ROUNDS;
    println!(
        "\nEDS verification per submission (RSA-2048, chain of 2, CRL; xtask's build: dev profile \
         with rsa/num-bigint/sha2 at opt-level 3): {:.2} ms over {ROUNDS} rounds",
        per.as_secs_f64() * 1000.0
    );
    Ok(())
}

fn sizes(path: &Path) -> anyhow::Result<(u64, u64)> {
    let bytes = std::fs::read(path)?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&bytes)?;
    Ok((bytes.len() as u64, gz.finish()?.len() as u64))
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
