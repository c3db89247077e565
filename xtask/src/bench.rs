//! `cargo xtask bench`: budgets measured, not asserted in tests: the app's first-load
//! transfer (what a browser fetches to show the home page, raw and gzip-compressed at the
//! level the server's compression uses), what each area of the split app and the EDS signer
//! add when they are first needed, the time one submission's signature takes to verify, and
//! the API's throughput and latency (`bench_api`).

use crate::tools;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The first-load budget (gzip) the product aims for.
const FIRST_LOAD_BUDGET_GZIP: u64 = 150 * 1024;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "eds") {
        // `cargo xtask bench eds`: the signature checks alone, and the GOST curve against
        // OpenSSL's GOST engine on this machine.
        signature_verification()?;
        return gost_against_openssl();
    }
    tools::ensure_build_tools()?;
    crate::app_build::build_app()?;
    if args.iter().any(|a| a == "api") {
        // `cargo xtask bench api`: the API's load, submissions (GOST beside RSA), signing in
        // the worker and an upload's memory.
        return crate::bench_api::run(&crate::bench_api::bench_server()?);
    }
    if args.iter().any(|a| a == "submit") {
        // `cargo xtask bench submit`: only GOST submissions beside RSA ones.
        return crate::bench_api::submissions(&crate::bench_api::bench_server()?);
    }
    if args.iter().any(|a| a == "first-paint") {
        // `cargo xtask bench first-paint`: only the page budgets (#14), for a quick look.
        let b = crate::bench_api::bench_server()?;
        return crate::bench_page::run(&b.server.base, &b.cookie, &b.one);
    }
    let dist = crate::root().join("dist");
    let app_dir = app_dir(&dist)?;
    let app = |file: &str| app_dir.join(file);

    // What a browser fetches to show the home page: the page, its styles, the app's main
    // module with its JS glue and split loader, and one language's messages.
    let mut first_load = vec![
        dist.join("index.html"),
        dist.join("locales").join("kk.json"),
    ];
    let mut signer = Vec::new();
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".br") || name.ends_with(".gz") {
            // The forms compressed ahead (`precompress`), not files of their own.
            continue;
        }
        if name.starts_with("qyzmet-signer") {
            signer.push(path);
        } else if name.ends_with(".css") {
            first_load.push(path);
        }
    }
    first_load.extend([
        app("qyzmet.js"),
        app("qyzmet_bg.wasm"),
        app("__wasm_split.js"),
    ]);
    let gz_first = table(
        "First load: what the home page fetches (release build, dist/)",
        &dist,
        &first_load,
    )?;
    let verdict = if gz_first <= FIRST_LOAD_BUDGET_GZIP {
        "within"
    } else {
        "OVER"
    };
    println!(
        "\nBudget: {} gzip for the first load: {verdict} budget.",
        kb(FIRST_LOAD_BUDGET_GZIP)
    );

    // Each area of the split app, fetched when one of its pages first opens (or in the
    // background once the visitor's role is known); chunks shared by areas count in each.
    let areas: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&std::fs::read(crate::app_build::areas_manifest())?)?;
    for (area, files) in &areas {
        let files: Vec<PathBuf> = files.iter().map(|f| app(f)).collect();
        table(
            &format!("Area `{area}`: fetched when its first page opens"),
            &dist,
            &files,
        )?;
    }
    signer.sort();
    table(
        "The EDS signer worker: fetched when someone signs",
        &dist,
        &signer,
    )?;
    signature_verification()?;
    gost_against_openssl()?;
    let b = crate::bench_api::bench_server()?;
    crate::bench_api::run(&b)?;
    crate::bench_page::run(&b.server.base, &b.cookie, &b.one)?;
    let pdf = b.pdf.clone();
    // The scale-out bench starts servers of its own.
    drop(b);
    crate::bench_scale::run(&pdf)
}

/// The one `app-<hash>/` folder the app build made.
fn app_dir(dist: &Path) -> anyhow::Result<PathBuf> {
    std::fs::read_dir(dist)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("app-"))
        })
        .ok_or_else(|| {
            anyhow::anyhow!("dist/ has no app-<hash>/ folder: the app build did not run")
        })
}

/// Prints the files' raw and gzip sizes with a total; returns the gzip total.
fn table(title: &str, dist: &Path, files: &[PathBuf]) -> anyhow::Result<u64> {
    println!("\n{title}:\n");
    println!(
        "| {:<44} | {:>10} | {:>10} | {:>12} |",
        "file", "raw", "gzip", "sent (br)"
    );
    println!("|{:-<46}|{:->12}|{:->12}|{:->14}|", "", "", "", "");
    let (mut raw_total, mut gz_total, mut sent_total) = (0, 0, 0);
    for path in files {
        let (raw, gz) = sizes(path)?;
        // What a browser taking brotli is sent: the build's `.br` form (`precompress`).
        let mut br = path.as_os_str().to_owned();
        br.push(".br");
        let sent = std::fs::metadata(&br).map_or(gz, |m| m.len());
        raw_total += raw;
        gz_total += gz;
        sent_total += sent;
        let name = path
            .strip_prefix(dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!(
            "| {name:<44} | {:>10} | {:>10} | {:>12} |",
            kb(raw),
            kb(gz),
            kb(sent)
        );
    }
    println!(
        "| {:<44} | {:>10} | {:>10} | {:>12} |",
        "total",
        kb(raw_total),
        kb(gz_total),
        kb(sent_total)
    );
    Ok(gz_total)
}

/// The GOST R 34.10-2012 512-bit verification alone (the curve arithmetic, a Streebog digest
/// given) here and in OpenSSL's GOST engine on the same machine. OpenSSL is timed as the
/// median `openssl dgst -verify` run less the median run hashing only, so its process start,
/// engine loading and file reading are not counted.
fn gost_against_openssl() -> anyhow::Result<()> {
    use qyzmet_eds::gost::{Curve, SigningKey, from_le};
    const ROUNDS: usize = 60;
    let key = SigningKey::generate(Curve::tc26_512_a())?;
    let public = key.verifying_key();
    let alpha = from_le(&[0x5a; 64]);
    let signature = key.sign_prehashed(&alpha)?;
    let mut ours = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = std::time::Instant::now();
        anyhow::ensure!(
            public.verify_prehashed(&alpha, &signature),
            "our GOST signature did not verify"
        );
        ours.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    ours.sort_by(f64::total_cmp);
    let ours = ours[ROUNDS / 2];

    let d = &crate::target_dir().join("bench-openssl-gost");
    std::fs::create_dir_all(d)?;
    // `openssl <command> -engine gost <args…>` in the bench's folder.
    let openssl = |command: &str, args: &[&str]| -> anyhow::Result<()> {
        let out = std::process::Command::new("openssl")
            .arg(command)
            .args(["-engine", "gost"])
            .args(args)
            .current_dir(d)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "openssl {command} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    };
    std::fs::write(d.join("message"), vec![b'x'; 1024])?;
    let key = [
        "-algorithm",
        "gost2012_512",
        "-pkeyopt",
        "paramset:A",
        "-out",
        "key.pem",
    ];
    let prepared = openssl("genpkey", &key)
        .and_then(|_| openssl("pkey", &["-in", "key.pem", "-pubout", "-out", "pub.pem"]))
        .and_then(|_| {
            let sign = [
                "-md_gost12_512",
                "-sign",
                "key.pem",
                "-out",
                "sig",
                "message",
            ];
            openssl("dgst", &sign)
        });
    if let Err(e) = prepared {
        println!("\nGOST against OpenSSL: not measured, OpenSSL's GOST engine is not here ({e}).");
        return Ok(());
    }
    // Each run timed alone, verifying and hashing in turn (so the machine's other work falls
    // on both alike); the medians' difference is the verification.
    let once = |args: &[&str]| -> anyhow::Result<f64> {
        let started = std::time::Instant::now();
        openssl("dgst", args)?;
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    let verify = [
        "-md_gost12_512",
        "-verify",
        "pub.pem",
        "-signature",
        "sig",
        "message",
    ];
    let hash = ["-md_gost12_512", "message"];
    let (mut verifying, mut hashing) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        verifying.push(once(&verify)?);
        hashing.push(once(&hash)?);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (verifying, hashing) = (median(verifying), median(hashing));
    let theirs = (verifying - hashing).max(0.001);
    println!(
        "\nGOST R 34.10-2012 512 (tc26 A) verification, curve arithmetic only:\n\n\
         | | ms per verification |\n|---|---|\n\
         | qyzmet-eds (p50 of {ROUNDS}) | {ours:.2} |\n\
         | OpenSSL GOST engine (median dgst -verify less median dgst, {ROUNDS} runs each) | {theirs:.2} |\n\n\
         Ours / OpenSSL: {:.2}× (goal: within 2×).",
        ours / theirs
    );
    Ok(())
}

/// One submission's EDS check as the server runs it — detached CMS over a 10 KB document,
/// chain of two CAs, CRL, key usage, IIN — and the signing it takes, for RSA-2048 and for
/// GOST R 34.10-2015 512-bit (NCA RK's profile): p50 of each.
fn signature_verification() -> anyhow::Result<()> {
    use qyzmet_eds::gost_pkix::Profile;
    use qyzmet_eds::issue::{Authority, Period, Subject};
    use qyzmet_eds::key::KeyAlgorithm;
    use qyzmet_eds::{Expected, Purpose, TrustStore};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let years = Period {
        not_before: now - 86_400,
        not_after: now + 3650 * 86_400,
    };
    println!(
        "\nEDS per signature, p50 (xtask's build: dev profile with rsa, num-bigint, sha2, \
         qyzmet-eds, crypto-bigint and streebog at opt-level 3):\n\n\
         | algorithm | sign | verify (whole submission check) |\n|---|---|---|"
    );
    for (name, algorithm) in [
        ("RSA-2048, SHA-256", KeyAlgorithm::Rsa),
        (
            "GOST R 34.10-2015 512, Streebog-512",
            KeyAlgorithm::Gost512(Profile::Nca),
        ),
    ] {
        let root = Authority::root_with("Bench Root", years, algorithm)?;
        let issuing = root.subordinate("Bench Issuing", years)?;
        let subject = Subject {
            common_name: "BENCH".into(),
            iin: "880315412341".into(),
            ..Subject::default()
        };
        let holder = issuing.issue(&subject, Purpose::Signing, years)?;
        let key = holder.signing_key();
        let trust = TrustStore {
            anchors: vec![root.certificate.clone()],
            intermediates: vec![issuing.certificate.clone()],
            crls: vec![issuing.crl(&[], now - 60, now + 86_400)?],
            ocsp: Vec::new(),
        };
        let document = vec![b'x'; 10 * 1024];
        let expected = Expected::Iin("880315412341".into());
        const ROUNDS: usize = 100;
        let mut signing = Vec::with_capacity(ROUNDS);
        let mut verifying = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let started = std::time::Instant::now();
            let signature = qyzmet_eds::sign_detached(&key, &document, now as u64)?;
            signing.push(started.elapsed());
            let started = std::time::Instant::now();
            qyzmet_eds::verify_detached(
                &signature,
                &document,
                &trust,
                Purpose::Signing,
                &expected,
                Some(now),
            )
            .map_err(|e| anyhow::anyhow!("bench signature did not verify: {e}"))?;
            verifying.push(started.elapsed());
        }
        let p50 = |times: &mut Vec<std::time::Duration>| {
            times.sort();
            times[times.len() / 2].as_secs_f64() * 1000.0
        };
        println!(
            "| {name} | {:.2} ms | {:.2} ms |",
            p50(&mut signing),
            p50(&mut verifying)
        );
    }
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
