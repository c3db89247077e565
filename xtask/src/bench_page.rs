//! First paint and caching, for `cargo xtask bench` (issue #14's budgets): what a page costs
//! before it paints (the rendered HTML and the stylesheet, compressed as served), Lighthouse
//! (mobile) on five pages, the main thread's long tasks at a phone's speed and what a return
//! visit transfers (Chromium, `tests/browser/bench/first-paint.js`), and the catalogue's reads
//! beside nginx serving the same bytes from a file.

use crate::bench_api::wrk;
use crate::cmd::{self, output, step};
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Bytes the page may need before its first paint (compressed).
const BEFORE_PAINT_BUDGET: u64 = 30 * 1024;
/// A return visit to the home page.
const RETURN_VISIT_BUDGET: u64 = 10 * 1024;
/// What a first visit to a page that reads without script transfers 3 s after it loaded
/// (#28: a phone on a metered plan).
const FIRST_VISIT_BUDGET: u64 = 150 * 1024;
/// The same for a page whose work is the app's: an application's form, signing (#28).
const WORKING_VISIT_BUDGET: u64 = 350 * 1024;
/// The catalogue's reads per second as a share of nginx's serving the same bytes (#28).
const CATALOGUE_VS_NGINX: f64 = 0.8;
/// The Lighthouse major version the budgets were set with.
const LIGHTHOUSE: &str = "lighthouse@12";

/// The pages measured: anonymous, then with the demo citizen's session cookie.
pub fn run(base: &str, cookie: &str, request_id: &str) -> anyhow::Result<()> {
    before_paint(base)?;
    let request = format!("/applications/{request_id}");
    lighthouse(
        base,
        &[
            ("/", None),
            ("/services/guardianship", None),
            ("/login", None),
            ("/cabinet", Some(cookie)),
            (&request, Some(cookie)),
        ],
    )?;
    main_thread_and_return_visit(base)?;
    catalogue_beside_nginx(base)
}

/// The rendered HTML and the stylesheet, as a browser asking for brotli gets them.
fn before_paint(base: &str) -> anyhow::Result<()> {
    step("before the first paint: the page and its stylesheet, as served (brotli)");
    let size = |url: &str| -> anyhow::Result<u64> {
        let out = output(Command::new("curl").args([
            "-s",
            "-o",
            "/dev/null",
            "-H",
            "Accept-Encoding: br, gzip",
            "-H",
            "Accept-Language: kk",
            "-w",
            "%{size_download}",
            url,
        ]))
        .context("curl")?;
        Ok(out.trim().parse()?)
    };
    let css = std::fs::read_dir(crate::root().join("dist"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| n.ends_with(".css"))
        .context("dist/ has no stylesheet")?;
    let css = size(&format!("{base}/{css}"))?;
    println!("\n| page | HTML | + stylesheet | total | budget |\n|---|---|---|---|---|");
    for path in ["/", "/services/guardianship", "/login"] {
        let html = size(&format!("{base}{path}"))?;
        let total = html + css;
        let verdict = if total <= BEFORE_PAINT_BUDGET {
            "within"
        } else {
            "OVER"
        };
        println!(
            "| {path} | {:.1} KB | {:.1} KB | {:.1} KB | {verdict} {} KB |",
            kb(html),
            kb(css),
            kb(total),
            BEFORE_PAINT_BUDGET / 1024
        );
    }
    Ok(())
}

/// Lighthouse's CLI (installed into `target/lighthouse` on first use), mobile profile.
fn lighthouse(base: &str, pages: &[(&str, Option<&str>)]) -> anyhow::Result<()> {
    let dir = crate::target_dir().join("lighthouse");
    let bin = dir.join("node_modules").join(".bin").join("lighthouse");
    if !bin.exists() {
        step(&format!(
            "installing {LIGHTHOUSE} (npm, into target/lighthouse)"
        ));
        std::fs::create_dir_all(&dir)?;
        cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(LIGHTHOUSE),
        )?;
    }
    step("Lighthouse, mobile (simulated slow 4G, 4× CPU slowdown), one run per page");
    println!(
        "\n| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | TTI | transfer |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    let report = dir.join("report.json");
    for (path, cookie) in pages {
        let mut c = Command::new(&bin);
        c.arg(format!("{base}{path}"))
            .args([
                "--quiet",
                "--chrome-flags=--headless=new --no-sandbox",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--output=json",
            ])
            .arg(format!("--output-path={}", report.display()))
            .env("CHROME_PATH", chromium())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(cookie) = cookie {
            c.arg(format!("--extra-headers={{\"Cookie\":\"{cookie}\"}}"));
        }
        if !c.status()?.success() {
            bail!("lighthouse failed on {path}");
        }
        let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
        print_lighthouse_rows(path, &r);
    }
    Ok(())
}

/// One page's row of the Lighthouse table, and a row for each audit it falls short on.
fn print_lighthouse_rows(path: &str, r: &serde_json::Value) {
    let score = |c: &str| {
        r["categories"][c]["score"]
            .as_f64()
            .map_or("?".to_string(), |s| format!("{:.0}", s * 100.0))
    };
    let shown = |a: &str| {
        r["audits"][a]["displayValue"]
            .as_str()
            .unwrap_or("?")
            .replace('\u{a0}', " ")
    };
    println!(
        "| {path} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        score("performance"),
        score("accessibility"),
        score("best-practices"),
        score("seo"),
        shown("first-contentful-paint"),
        shown("largest-contentful-paint"),
        shown("total-blocking-time"),
        shown("interactive"),
        shown("total-byte-weight"),
    );
    for (category, refs) in ["accessibility", "best-practices", "seo"]
        .iter()
        .map(|c| (c, &r["categories"][c]["auditRefs"]))
    {
        for audit in refs.as_array().into_iter().flatten() {
            let id = audit["id"].as_str().unwrap_or("");
            let a = &r["audits"][id];
            if audit["weight"].as_f64().unwrap_or(0.0) > 0.0
                && a["score"].as_f64().is_some_and(|s| s < 1.0)
            {
                println!(
                    "|   {category} falls short: {} | | | | | | | | | |",
                    a["title"].as_str().unwrap_or(id)
                );
            }
        }
    }
}

/// Long tasks at a phone's speed and the bytes of a return visit (Chromium via Playwright).
fn main_thread_and_return_visit(base: &str) -> anyhow::Result<()> {
    step("the main thread at 4× CPU slowdown, and a return visit (Chromium)");
    crate::tools::ensure_browser_tools()?;
    let dir = crate::tools::browser_tests_dir();
    let out = output(
        Command::new("node")
            .arg(dir.join("bench").join("first-paint.js"))
            .arg(base)
            .args([
                "/",
                "/services/guardianship",
                "/login",
                "/register",
                "/verify/AAAAA-AAAAA",
                "applicant:/cabinet",
                "applicant:/applications/{draft}/edit",
                "applicant:/applications/{draft}/sign",
            ])
            .env("QYZMET_CHROMIUM", chromium())
            .current_dir(&dir),
    )
    .context("node bench/first-paint.js")?;
    let results: Vec<serde_json::Value> = serde_json::from_str(out.trim())?;
    println!(
        "\nLong tasks (ms, > 50) of three new visitors per page; those before the first paint are \
         the browser's own first layout of the server's HTML, those after it are what the \
         visitor could feel (Lighthouse's total blocking time counts these).\n\n\
         | page | visitor | before first paint | after first paint | first paint at | app drawn at | handed over at | first visit, 3 s after load | return visit | budget |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for r in results {
        let path = r["path"].as_str().unwrap_or("?");
        let bytes = r["returnBytes"].as_u64().unwrap_or(0);
        let verdict = if path != "/" {
            "".to_string()
        } else if bytes <= RETURN_VISIT_BUDGET {
            format!("within {} KB", RETURN_VISIT_BUDGET / 1024)
        } else {
            format!("OVER {} KB", RETURN_VISIT_BUDGET / 1024)
        };
        for (n, visit) in r["first"].as_array().into_iter().flatten().enumerate() {
            let fcp = visit["fcp"].as_u64().unwrap_or(0);
            let (before, after): (Vec<_>, Vec<_>) = visit["long"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| Some((t[0].as_u64()?, t[1].as_u64()?)))
                .partition(|(start, _)| *start < fcp);
            let list = |tasks: Vec<(u64, u64)>| {
                if tasks.is_empty() {
                    "none".to_string()
                } else {
                    let ms: Vec<String> = tasks.iter().map(|(_, d)| d.to_string()).collect();
                    ms.join(", ")
                }
            };
            let (return_visit, verdict) = if n == 0 {
                (format!("{:.1} KB", kb(bytes)), verdict.as_str())
            } else {
                (String::new(), "")
            };
            let first = visit["bytesAfter3s"].as_u64().unwrap_or(0);
            // A form or signing page is the app's work; a page that reads is not.
            let budget = if path.ends_with("/edit") || path.ends_with("/sign") {
                WORKING_VISIT_BUDGET
            } else {
                FIRST_VISIT_BUDGET
            };
            let first = format!(
                "{:.1} KB ({} {} KB)",
                kb(first),
                if first <= budget { "within" } else { "OVER" },
                budget / 1024
            );
            println!(
                "| {path} | {} | {} | {} | {fcp} ms | {} ms | {} ms | {first} | {return_visit} | {verdict} |",
                n + 1,
                list(before),
                list(after),
                visit["marks"]["qyzmet:drawn"],
                visit["marks"]["qyzmet:handed-over"],
            );
        }
    }
    Ok(())
}

/// `GET /api/services` against nginx serving the same JSON from a file (wrk asks for no
/// compression, so both send the same bytes).
fn catalogue_beside_nginx(base: &str) -> anyhow::Result<()> {
    crate::cluster::ensure_nginx()?;
    step("the catalogue's reads beside nginx serving the same bytes (wrk 2 × 32, 10 s)");
    let dir = crate::target_dir().join("bench-nginx");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("www"))?;
    let json = output(Command::new("curl").args(["-s", &format!("{base}/api/services?lang=ru")]))
        .context("curl")?;
    std::fs::write(dir.join("www").join("services.json"), &json)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let nginx = Nginx::start(&dir, port)?;
    let (ours, p50, p99) = wrk(&format!("{base}/api/services?lang=ru"), None)?;
    let (theirs, n50, n99) = wrk(&format!("{}/services.json", nginx.url), None)?;
    drop(nginx);
    let ratio = ours.parse::<f64>().unwrap_or(0.0) / theirs.parse::<f64>().unwrap_or(f64::MAX);
    println!(
        "\n| server | requests/s | p50 | p99 |\n|---|---|---|---|\n| qyzmet GET /api/services ({:.1} KB) | {ours} | {p50} | {p99} |\n| nginx, the same file | {theirs} | {n50} | {n99} |\n\nThe catalogue at {ratio:.2} of nginx's rate (budget ≥ {CATALOGUE_VS_NGINX}: {}).",
        kb(json.len() as u64),
        if ratio >= CATALOGUE_VS_NGINX {
            "within"
        } else {
            "OVER"
        }
    );
    Ok(())
}

struct Nginx {
    child: Child,
    url: String,
}

impl Nginx {
    fn start(dir: &Path, port: u16) -> anyhow::Result<Nginx> {
        let d = dir.display();
        let conf = dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "daemon off;\nworker_processes auto;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
events {{ worker_connections 1024; }}\n\
http {{\n    access_log off;\n    client_body_temp_path {d}/client_body;\n    proxy_temp_path {d}/proxy;\n    fastcgi_temp_path {d}/fastcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n    default_type application/json;\n\
    server {{\n        listen 127.0.0.1:{port};\n        root {d}/www;\n        etag on;\n    }}\n}}\n"
            ),
        )?;
        let child = Command::new(nginx_bin())
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .stderr(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Nginx {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        bail!("nginx did not start (see {d}/error.log)")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so its workers go with it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

fn nginx_bin() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("nginx"))
}

fn chromium() -> String {
    std::env::var("QYZMET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}
