//! The app's wasm, split by page. Trunk builds the rest of `dist/` (styles, the signer worker,
//! locales, `index.html`); the app itself goes through the pipeline Trunk cannot run, because
//! the cut has to be made between linking and wasm-bindgen:
//!
//! 1. `cargo rustc` the app for wasm32 with `--emit-relocs` (the splitter reads the call graph
//!    from the relocations);
//! 2. `wasm_split_cli_support::transform` cuts it at the app's `#[wasm_split]` functions
//!    (`src/on_demand.rs`) into the main module, one file per area and chunks they share, and
//!    writes `__wasm_split.js`, which fetches a file when its area is first needed;
//! 3. wasm-bindgen (the pinned CLI) makes the main module's JS glue, keeping the exports the
//!    split files import from it (`--keep-lld-exports`);
//! 4. wasm-opt `-Oz` each file, as Trunk would;
//! 5. everything goes to `dist/app-<hash>/` (the hash of all of it, so a new build is a new
//!    address and the server may cache the files for a year), and `index.html` gets the
//!    start-up script.

use crate::cmd::{run, step};
use crate::tools::node_tools_bin;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The app's cargo binary, also the name wasm-bindgen gives its output.
const APP: &str = "qyzmet";
/// The cargo profile the app is built with (size-optimised, see the root Cargo.toml).
const PROFILE: &str = "wasm-release";
/// Where `index.html` gets the start-up script (Trunk leaves the marker untouched).
const MARKER: &str = "<!-- qyzmet-app -->";

/// Builds the split app into `dist/` (after Trunk has built the rest of it).
pub fn build(dist: &Path) -> anyhow::Result<()> {
    step("building the app's wasm (cargo rustc, wasm32, with relocations for the split)");
    run(Command::new("cargo")
        .args([
            "rustc",
            "--package",
            APP,
            "--bin",
            APP,
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            PROFILE,
            "--",
            "-Clink-args=--emit-relocs",
        ])
        .current_dir(crate::root()))?;
    let linked = crate::target_dir()
        .join("wasm32-unknown-unknown")
        .join(PROFILE)
        .join(format!("{APP}.wasm"));

    let stage = crate::target_dir().join("app-split");
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    let split_dir = stage.join("split");
    let bindgen_dir = stage.join("bindgen");
    let out_dir = stage.join("out");
    for dir in [&split_dir, &bindgen_dir, &out_dir] {
        std::fs::create_dir_all(dir)?;
    }

    let main_wasm = split_dir.join(format!("{APP}.wasm"));
    let split = split_by_area(&linked, &split_dir, &main_wasm)?;

    step("generating the JS glue (wasm-bindgen)");
    // The lock file's version, installed by `tools::ensure_build_tools`, which every caller
    // runs first.
    run(Command::new("wasm-bindgen")
        .env("PATH", crate::tools::path_with_tools())
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--keep-lld-exports",
            "--out-name",
            APP,
            "--out-dir",
        ])
        .arg(&bindgen_dir)
        .arg(&main_wasm))?;

    optimise(&bindgen_dir, &split.split_modules, &out_dir)?;
    std::fs::copy(
        bindgen_dir.join(format!("{APP}.js")),
        out_dir.join(format!("{APP}.js")),
    )?;
    std::fs::write(
        out_dir.join("__wasm_split.js"),
        whole_instantiation(&std::fs::read_to_string(split_dir.join("__wasm_split.js"))?)?,
    )?;

    // Which files each area needs (its own and the chunks it shares), for `cargo xtask bench`.
    let areas: std::collections::BTreeMap<_, Vec<String>> = split
        .prefetch_map
        .iter()
        .map(|(area, files)| {
            let files = files.iter().map(|f| format!("{f}.wasm")).collect();
            (area.clone(), files)
        })
        .collect();
    std::fs::write(areas_manifest(), serde_json::to_string_pretty(&areas)?)?;

    publish(&out_dir, dist)
}

/// The linked wasm cut at each `#[wasm_split]` area: the main module at `main_wasm`, the
/// areas and shared chunks beside it in `split_dir`.
fn split_by_area(
    linked: &Path,
    split_dir: &Path,
    main_wasm: &Path,
) -> anyhow::Result<wasm_split_cli_support::SplitWasm> {
    step("splitting the app's wasm by area (wasm_split_cli_support)");
    let input = std::fs::read(linked).with_context(|| format!("reading {}", linked.display()))?;
    let main_js = format!("./{APP}.js");
    wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = split_dir;
        options.main_out_path = main_wasm;
        options.main_module = &main_js;
        options
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))
    .context("splitting the app's wasm")
}

/// Every wasm file (the main module and each split one) through `wasm-opt -Oz` into `out_dir`.
fn optimise(bindgen_dir: &Path, split_modules: &[PathBuf], out_dir: &Path) -> anyhow::Result<()> {
    step("optimising every wasm file (wasm-opt -Oz)");
    let wasm_opt = node_tools_bin().join("wasm-opt");
    let mut files: Vec<(PathBuf, PathBuf)> = vec![(
        bindgen_dir.join(format!("{APP}_bg.wasm")),
        out_dir.join(format!("{APP}_bg.wasm")),
    )];
    for module in split_modules {
        let name = module
            .file_name()
            .context("a split module has a file name")?;
        files.push((module.clone(), out_dir.join(name)));
    }
    for (from, to) in &files {
        // Quiet unless it fails: it warns about every split file's extended name section.
        let out = Command::new(&wasm_opt)
            .arg("-Oz")
            .arg(from)
            .arg("-o")
            .arg(to)
            .output()
            .context("running wasm-opt: run `cargo xtask setup`")?;
        if !out.status.success() {
            bail!(
                "wasm-opt failed on {}:\n{}",
                from.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(())
}

/// Moves the built app into `dist/app-<hash>/` and puts its start-up script into `index.html`.
fn publish(out_dir: &Path, dist: &Path) -> anyhow::Result<()> {
    let hash = hash_dir(out_dir)?;
    let public = format!("app-{hash}");
    let target = dist.join(&public);
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(out_dir, &target)
        .or_else(|_| copy_dir(out_dir, &target))
        .context("moving the app into dist/")?;

    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)?;
    if !index.contains(MARKER) {
        bail!("index.html has no {MARKER} marker for the app's start-up script");
    }
    // The start-up script is a file, not inline, so the CSP needs no 'unsafe-inline' (nor a
    // hash that changes with every build).
    std::fs::write(
        dist.join(&public).join("start.js"),
        start_up_script(&public),
    )?;
    let index = without_skipped_link(&index.replace(MARKER, &start_up(&public)));
    std::fs::write(&index_path, index)?;
    Ok(())
}

/// `index.html` without the `<link data-trunk rel="rust" data-trunk-skip …/>` Trunk leaves in
/// place of the app it skipped: a `link` without `href` is not valid HTML (the Nu checker).
fn without_skipped_link(index: &str) -> String {
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(at) = rest.find("<link data-trunk rel=\"rust\" data-trunk-skip") {
        let Some(end) = rest[at..].find('>') else {
            break;
        };
        out.push_str(rest[..at].trim_end_matches([' ', '\t']));
        rest = &rest[at + end + 1..];
        // The line it stood on goes with it.
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
    out
}

/// Where the build records each area's files: `{"applicant": ["split_applicant.wasm",
/// "chunk_9.wasm", …], …}`.
pub fn areas_manifest() -> PathBuf {
    crate::target_dir().join("app-split-areas.json")
}

/// The start-up script for `index.html`. No preload of the wasm: the server renders the page,
/// which paints from the HTML and the stylesheet alone, and a preload would have the wasm
/// (the largest file) compete with them on a slow connection; the module script starts it once
/// the page has been parsed.
fn start_up(dir: &str) -> String {
    format!(r#"<script type="module" src="/{dir}/start.js"></script>"#)
}

/// `start.js`: loads the main module and starts the app. The wasm is fetched whole and then
/// compiled, not compiled as it streams in: Chromium decodes a streamed module on the main
/// thread as its bytes arrive (a 40–50 ms task at a phone's speed for ours), but a whole one on
/// a background thread; with lazy compilation there is little left to overlap with the
/// download anyway.
///
/// The app comes at once, unless the server drew a page that reads and works without it
/// (`data-start="on-use"` on its copy, `http::pages::Start`): then it comes when the visitor
/// first uses one of the page's fields or buttons, so a visit that only reads, or follows
/// links, pays for the page alone (#28) — or, on a logged-in page, in time for the session's
/// timeout warning (`data-start-by`, seconds), or when the request shown has news
/// (`data-live-request`: its status changed; the app then asks for it afresh). What the
/// visitor typed or chose meanwhile is carried over when the app draws itself (`handover`); a
/// form sent before it arrives is answered by the server; a button only the app answers is
/// pressed again in the app (`data-replay`).
fn start_up_script(dir: &str) -> String {
    include_str!("start.js")
        .replace("/DIR/", &format!("/{dir}/"))
        .replace("/APP", &format!("/{APP}"))
}

/// The split loader compiles each area's files as they stream in; like the main module
/// (`start_up_script`), they are fetched whole and compiled off the main thread instead.
fn whole_instantiation(loader: &str) -> anyhow::Result<String> {
    const STREAMING: &str = "WebAssembly.instantiateStreaming(src, imports)";
    const WHOLE: &str = "src.then((r) => { if (!r.ok) throw new Error(`${r.url}: HTTP ${r.status}`); return r.arrayBuffer(); }).then((bytes) => WebAssembly.instantiate(bytes, imports))";
    if !loader.contains(STREAMING) {
        bail!("the split loader no longer calls `{STREAMING}`: update app_build.rs");
    }
    Ok(loader.replace(STREAMING, WHOLE))
}

/// A short hash of every file's name and bytes, in name order.
fn hash_dir(dir: &Path) -> anyhow::Result<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let mut hasher = Sha256::new();
    for path in names {
        hasher.update(path.file_name().unwrap_or_default().as_encoded_bytes());
        hasher.update(std::fs::read(&path)?);
    }
    Ok(hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        std::fs::copy(&path, to.join(path.file_name().unwrap_or_default()))?;
    }
    Ok(())
}

/// Builds the app in release mode into `dist/`.
pub fn build_app() -> anyhow::Result<()> {
    // `trunk --offline` makes its cargo call offline too (no downloads of trunk's own tools):
    // fetch the crates first, for every target, or a fresh machine has none to build with.
    crate::cmd::step("fetching crates (cargo fetch)");
    crate::cmd::run(
        Command::new("cargo")
            .arg("fetch")
            .current_dir(crate::root()),
    )?;
    crate::cmd::step("building styles, the signer worker and assets (trunk build --release)");
    crate::cmd::run(
        Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(crate::root())
            .env("PATH", crate::tools::path_with_tools()),
    )?;
    let dist = crate::root().join("dist");
    build(&dist)?;
    crate::precompress::precompress(&dist)
}

#[cfg(test)]
mod tests {
    use super::{whole_instantiation, without_skipped_link};

    #[test]
    fn the_link_trunk_skipped_leaves_the_page_with_its_line() {
        let index = "    <title>Q</title>\n    <link data-trunk rel=\"rust\" data-trunk-skip data-trunk-id=\"0\" />\n    <script src=\"/a/start.js\"></script>\n";
        assert_eq!(
            without_skipped_link(index),
            "    <title>Q</title>\n    <script src=\"/a/start.js\"></script>\n"
        );
    }

    #[test]
    fn split_files_are_fetched_whole_and_a_failed_fetch_is_an_error() {
        let loader = "const __chunk_4 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_4.wasm\", import.meta.url));\n    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n}, []);";
        let whole = whole_instantiation(loader).unwrap();
        assert!(!whole.contains("instantiateStreaming"), "{whole}");
        assert!(whole.contains("r.arrayBuffer()"), "{whole}");
        assert!(
            whole.contains("WebAssembly.instantiate(bytes, imports)"),
            "{whole}"
        );
        assert!(
            whole.contains("if (!r.ok) throw"),
            "a 404 must fail the load: {whole}"
        );
    }

    #[test]
    fn a_loader_that_changed_its_call_stops_the_build() {
        assert!(whole_instantiation("WebAssembly.instantiate(src, imports)").is_err());
    }
}
