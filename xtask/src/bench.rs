//! `cargo xtask bench`: budgets measured, not asserted in tests. For now the app's first-load
//! transfer: what a browser fetches to show the home page, raw and gzip-compressed (the level
//! the server's compression uses).

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
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
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
