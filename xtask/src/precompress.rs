//! The built app's files compressed once, at their best, beside each file (`x.wasm.br`,
//! `x.wasm.gz`): the server sends those (`ServeDir::precompressed_br`) instead of compressing
//! each answer as it goes at the fast level a live answer can afford. Brotli at quality 11
//! takes a fifth off the wasm a phone downloads compared with the live level (#28).

use std::io::Write;
use std::path::Path;

/// What is worth compressing: text and wasm (images here are SVG, which is text).
const COMPRESSIBLE: [&str; 5] = ["wasm", "js", "css", "json", "svg"];

/// Writes `.br` and `.gz` beside every compressible file under `dir`, where smaller.
pub fn precompress(dir: &Path) -> anyhow::Result<()> {
    crate::cmd::step("compressing the app's files ahead (brotli 11, gzip 9)");
    each_file(dir)
}

fn each_file(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            each_file(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        for (suffix, compressed) in [("br", brotli(&bytes)?), ("gz", gzip(&bytes)?)] {
            let beside = path.with_extension(format!(
                "{}.{suffix}",
                path.extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or_default()
            ));
            if compressed.len() < bytes.len() {
                std::fs::write(&beside, compressed)?;
            } else if beside.exists() {
                std::fs::remove_file(&beside)?;
            }
        }
    }
    Ok(())
}

/// Brotli at its best quality, with the largest window browsers accept (16 MiB).
fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = ::brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 24);
        w.write_all(bytes)?;
    }
    Ok(out)
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    #[test]
    fn each_file_gets_its_compressed_forms_which_read_back_to_it() {
        let dir = tempfile_dir();
        let app = dir.join("app-0123456789abcdef");
        std::fs::create_dir_all(&app).unwrap();
        let wasm: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(app.join("a.wasm"), &wasm).unwrap();
        std::fs::write(dir.join("tiny.js"), "1").unwrap();
        std::fs::write(dir.join("index.html"), "<p>".repeat(100)).unwrap();
        super::precompress(&dir).unwrap();

        let mut from_br = Vec::new();
        ::brotli::Decompressor::new(&std::fs::read(app.join("a.wasm.br")).unwrap()[..], 4096)
            .read_to_end(&mut from_br)
            .unwrap();
        assert_eq!(from_br, wasm);
        let mut from_gz = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(app.join("a.wasm.gz")).unwrap()[..])
            .read_to_end(&mut from_gz)
            .unwrap();
        assert_eq!(from_gz, wasm);
        // Nothing where compressing does not pay, and no page template (the server renders it).
        assert!(!dir.join("tiny.js.br").exists());
        assert!(!dir.join("index.html.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
