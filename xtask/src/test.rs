//! `cargo xtask test`: every check and test, ending with one line `N passed, N failed`.
//!
//! Order matters for time on a cold machine: the cheap checks first, then the Rust tests
//! (whose debug build also yields the server binary the browser tests start), then the one
//! release wasm build, then the browser tests against one shared server.

use crate::cmd::step;
use crate::tools;
use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    lines: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, ok: bool) {
        if ok {
            self.passed += 1
        } else {
            self.failed += 1
        }
        self.lines
            .push(format!("{:<28} {}", name, if ok { "ok" } else { "FAILED" }));
    }

    fn tests(&mut self, name: &str, passed: u64, failed: u64, ran: bool) {
        self.passed += passed;
        // A suite that could not run at all (did not compile, crashed) counts as one failure.
        let failed = if ran { failed } else { failed.max(1) };
        self.failed += failed;
        self.lines
            .push(format!("{name:<28} {passed} passed, {failed} failed"));
    }
}

pub fn run(_args: &[String]) -> anyhow::Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_browser_tools()?;
    let root = crate::root();
    let cargo = |args: &[&str]| {
        let mut c = Command::new("cargo");
        c.args(args).current_dir(&root);
        c
    };
    let mut tally = Tally::default();

    static_checks(&cargo, &mut tally);
    step("Rust tests (cargo test --workspace)");
    let (passed, failed, ran) = cargo_tests(cargo(&["test", "--workspace", "--color", "never"]))?;
    tally.tests("Rust tests", passed, failed, ran);

    server_tests_on_postgres_and_s3(&cargo, &mut tally)?;
    let built = crate::app_build::build_app().is_ok();
    tally.check("app release build", built);
    if built {
        // After the app build: the server computes its CSP from dist/index.html at start.
        let fuzzed = crate::api_fuzz::fuzz().unwrap_or_else(|e| {
            eprintln!("API fuzzing could not run: {e:#}");
            false
        });
        tally.check("API fuzzing (schemathesis)", fuzzed);
        step("browser tests (Playwright, Chromium)");
        let (passed, failed, ran) = browser_tests()?;
        tally.tests("browser tests", passed, failed, ran);
        step("one browser journey through nginx in front of two instances (PostgreSQL, S3)");
        match journey_through_cluster() {
            Ok((passed, failed, ran)) => {
                tally.tests("journey through the cluster", passed, failed, ran)
            }
            Err(e) => {
                eprintln!("the cluster could not start: {e:#}");
                tally.check("journey through the cluster", false);
            }
        }
    }

    tally.summary()
}

/// Formatting, lints, and the crates the browser runs built for wasm32.
fn static_checks(cargo: &dyn Fn(&[&str]) -> Command, tally: &mut Tally) {
    step("cargo fmt --check");
    tally.check(
        "rustfmt",
        status_ok(cargo(&["fmt", "--all", "--", "--check"])),
    );

    step("cargo clippy (warnings are errors)");
    tally.check(
        "clippy",
        status_ok(cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
    );

    step("the domain crate builds for wasm32");
    tally.check(
        "domain on wasm32",
        status_ok(cargo(&[
            "check",
            "-p",
            "qyzmet-domain",
            "--all-features",
            "--target",
            "wasm32-unknown-unknown",
        ])),
    );

    step("the EDS crate (without its issuing part) builds for wasm32");
    tally.check(
        "eds on wasm32",
        status_ok(cargo(&[
            "check",
            "-p",
            "qyzmet-eds",
            "--target",
            "wasm32-unknown-unknown",
        ])),
    );
}

/// The server's integration tests on PostgreSQL and the S3 store, with the tests that need
/// them.
fn server_tests_on_postgres_and_s3(
    cargo: &dyn Fn(&[&str]) -> Command,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    step("the server's tests again as operators run it: PostgreSQL and S3 storage");
    let started = crate::cluster::ensure_nginx()
        .and_then(|_| crate::postgres::Postgres::start("test-postgres"))
        .and_then(|pg| Ok((pg, crate::s3::S3Server::start("test-s3", "qyzmet-test")?)));
    match started {
        Ok((pg, s3)) => {
            let mut c = cargo(&[
                "test",
                "-p",
                "qyzmet-server",
                "--test",
                "*",
                "--no-fail-fast",
                "--color",
                "never",
                "--",
                "--include-ignored",
            ]);
            c.env("QYZMET_TEST_POSTGRES", pg.base_url())
                .env("QYZMET_TEST_OBJECT_STORE", "s3://qyzmet-test/attachments")
                .envs(s3.env());
            let (passed, failed, ran) = cargo_tests(c)?;
            tally.tests("server tests on PG + S3", passed, failed, ran);
        }
        Err(e) => {
            eprintln!("PostgreSQL or the S3 server could not start: {e:#}");
            tally.check("PostgreSQL and S3 started", false);
        }
    }

    Ok(())
}

impl Tally {
    /// Prints every result and the sum; an error when anything failed.
    fn summary(&self) -> anyhow::Result<()> {
        println!("\n\x1b[1m==> summary\x1b[0m");
        for line in &self.lines {
            println!("  {line}");
        }
        println!("{} passed, {} failed", self.passed, self.failed);
        if self.failed > 0 {
            anyhow::bail!("{} failed", self.failed);
        }
        Ok(())
    }
}

fn status_ok(mut cmd: Command) -> bool {
    cmd.status().is_ok_and(|s| s.success())
}

/// Runs `cargo test`, echoing its output, and sums every `test result:` line.
fn cargo_tests(mut cmd: Command) -> anyhow::Result<(u64, u64, bool)> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .context("starting cargo test")?;
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        if let Some((p, f)) = parse_result_line(&line) {
            passed += p;
            failed += f;
        }
    }
    let ok = child.wait()?.success();
    Ok((passed, failed, ok || failed > 0))
}

/// `test result: ok. 42 passed; 0 failed; …` → (42, 0).
fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        let at = rest.find(word)?;
        rest[..at]
            .trim_end()
            .rsplit([' ', '.'])
            .next()?
            .parse()
            .ok()
    };
    Some((number_before(" passed")?, number_before(" failed")?))
}

/// Runs Playwright against one server the config starts; reads the JSON report's counts.
fn browser_tests() -> anyhow::Result<(u64, u64, bool)> {
    let target = crate::target_dir();
    let artifacts = target.join("browser-artifacts");
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    playwright(&artifacts, &[], &[("QYZMET_PORT", port.to_string())])
}

/// `cargo xtask test-cluster`: only the journey through the cluster.
pub fn cluster_only() -> anyhow::Result<()> {
    let (passed, failed, ran) = journey_through_cluster()?;
    println!("{passed} passed, {failed} failed");
    anyhow::ensure!(ran && failed == 0, "the journey through the cluster failed");
    Ok(())
}

/// The guardianship journey through nginx in front of two instances on PostgreSQL and S3:
/// consecutive requests land on alternating instances, the decision's live event crosses
/// from one to the other.
fn journey_through_cluster() -> anyhow::Result<(u64, u64, bool)> {
    let target = crate::target_dir();
    let artifacts = target.join("cluster-artifacts");
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let server = target.join("debug").join("qyzmet-server");
    let cluster = crate::cluster::Cluster::start(
        "test-cluster",
        2,
        &server,
        &artifacts.join("server-data"),
        port,
    )?;
    let result = playwright(
        &artifacts,
        &[
            "specs/apply.spec.js",
            "--project",
            "desktop",
            "-g",
            "applies for guardianship through every step",
        ],
        &[("QYZMET_BASE_URL", cluster.url.clone())],
    );
    // Round robin: the journey's requests must have reached both instances.
    let served = cluster.requests_per_instance();
    println!("requests per instance through nginx: {served:?}");
    drop(cluster);
    let (passed, failed, ran) = result?;
    let both = served
        .iter()
        .all(|n| *n * 4 >= served.iter().sum::<usize>() / 2);
    Ok(if both {
        (passed + 1, failed, ran)
    } else {
        eprintln!("one instance served (almost) everything: {served:?}");
        (passed, failed + 1, ran)
    })
}

/// Runs Playwright (`args` narrow it), counting from its JSON report.
fn playwright(
    artifacts: &std::path::Path,
    args: &[&str],
    env: &[(&str, String)],
) -> anyhow::Result<(u64, u64, bool)> {
    let root = crate::root();
    let target = crate::target_dir();
    let report = artifacts.join("report.json");
    let status = Command::new("npx")
        .args(["playwright", "test"])
        .args(args)
        .current_dir(tools::browser_tests_dir())
        .env(
            "QYZMET_SERVER_BIN",
            target.join("debug").join("qyzmet-server"),
        )
        .env("QYZMET_DIST_DIR", root.join("dist"))
        .env("QYZMET_CATALOGUE_DIR", root.join("catalogue"))
        .env("QYZMET_ARTIFACTS", artifacts)
        .env("QYZMET_CHROMIUM", tools::CHROMIUM)
        .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &report)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .context("starting npx playwright")?;
    let stats = std::fs::read_to_string(&report)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|v| v["stats"].clone());
    Ok(match stats {
        Some(s) => {
            let n = |k: &str| s[k].as_u64().unwrap_or(0);
            (n("expected") + n("flaky"), n("unexpected"), true)
        }
        None => (0, u64::from(!status.success()), false),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_result_line;

    #[test]
    fn result_lines_are_summed_and_other_lines_ignored() {
        assert_eq!(
            parse_result_line(
                "test result: ok. 42 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s"
            ),
            Some((42, 0))
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
