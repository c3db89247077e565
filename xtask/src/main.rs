//! Developer commands: `cargo xtask serve | test | bench`. Each installs what it needs first,
//! so the two README commands work on a fresh machine (see `tools.rs`).

mod api_fuzz;
mod app_build;
mod bench;
mod bench_api;
mod bench_page;
mod bench_scale;
mod cluster;
mod cmd;
mod live_server;
mod postgres;
mod precompress;
#[cfg(test)]
mod rooms;
mod s3;
mod serve;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: cargo xtask <command>\n\n\
     commands:\n  \
     serve [--addr HOST:PORT] [--data-dir DIR]   install tools, build the app (release), run the portal\n  \
     cluster [N]                                  N instances (default 2) on PostgreSQL and S3 behind nginx\n  \
     test-cluster                                 only the browser journey through the cluster (needs dist/ and a debug build)\n  \
     test                                         install tools, run fmt, clippy, every Rust test and the browser tests\n  \
     build                                        install tools, build the app (release) into dist/\n  \
     bench                                        build the app (release) and print the first-load transfer sizes\n  \
     fuzz-api                                     schemathesis against a debug server (needs dist/ and a debug build)\n  \
     setup                                        only install the tools"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve::run(&args[1..]),
        Some("cluster") => cluster::run(&args[1..]),
        Some("test-cluster") => test::cluster_only(),
        Some("test") => test::run(&args[1..]),
        Some("build") => tools::ensure_build_tools().and_then(|_| crate::app_build::build_app()),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz-api") => api_fuzz::fuzz().and_then(|ok| {
            anyhow::ensure!(ok, "schemathesis found failures");
            Ok(())
        }),
        Some("setup") => tools::ensure_build_tools()
            .and_then(|_| tools::ensure_browser_tools())
            .and_then(|_| api_fuzz::ensure_schemathesis().map(drop)),
        _ => {
            eprintln!("{}", usage());
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Where the build puts everything it generates, including installed node tools.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
