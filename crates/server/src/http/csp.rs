//! The Content-Security-Policy: scripts only from this origin (and wasm compiled by them),
//! nothing inline unless its exact hash is listed. The hashes are taken at start from the
//! pages this server hands out (the built `index.html`, the API docs page), so a start-up
//! script that the build writes inline can run while an injected one cannot.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// NCALayer, the desktop EDS program the app may talk to, listens on this local WebSocket.
const NCALAYER: &str = "wss://127.0.0.1:13579";

/// The policy for every answer of the server.
pub fn policy(dist_dir: &Path) -> String {
    let index = std::fs::read_to_string(dist_dir.join("index.html")).unwrap_or_default();
    let docs = include_str!("openapi.html");
    let mut scripts = inline_hashes(&index, "script");
    scripts.extend(inline_hashes(docs, "script"));
    let mut styles = inline_hashes(&index, "style");
    styles.extend(inline_hashes(docs, "style"));
    let list = |hashes: &[String]| hashes.iter().map(|h| format!(" '{h}'")).collect::<String>();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; \
         img-src 'self' data: blob:; connect-src 'self' {NCALAYER}; worker-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'",
        list(&scripts),
        list(&styles)
    )
}

/// `sha256-…` of the content of every inline `<tag>` element (a `<script src>` has none).
fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        // `<scripts>` or `<styles…` are other elements.
        if !after.starts_with(['>', ' ', '\n', '\t']) {
            rest = after;
            continue;
        }
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(body_end) = body.find(&close) else {
            break;
        };
        let content = &body[..body_end];
        let external = tag == "script" && attributes.contains("src=");
        if !external && !content.is_empty() {
            let digest = Sha256::digest(content.as_bytes());
            hashes.push(format!(
                "sha256-{}",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[body_end + close.len()..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script><style>p{}</style>"#;
        let scripts = inline_hashes(html, "script");
        assert_eq!(scripts.len(), 1);
        // echo -n 'init()' | openssl dgst -sha256 -binary | base64
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert_eq!(scripts[0], format!("sha256-{expected}"));
        assert_eq!(inline_hashes(html, "style").len(), 1);
    }

    #[test]
    fn the_policy_allows_no_inline_script_but_the_hashed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<script type=\"module\">start()</script>",
        )
        .unwrap();
        let p = policy(dir.path());
        let script_src = p
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        assert!(script_src.contains("'wasm-unsafe-eval'"));
        // The built page's script and the API docs page's.
        assert_eq!(script_src.matches("'sha256-").count(), 2, "{script_src}");
        assert!(p.starts_with("default-src 'self'"));
        assert!(p.contains("frame-ancestors 'none'") && p.contains("object-src 'none'"));
    }
}
