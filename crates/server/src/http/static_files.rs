//! The built app: hashed assets cached for a year, other files revalidated, and every path
//! that is not a file (an app route) answered with its page rendered (`pages`).

use crate::AppState;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

type StaticService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

pub fn service(state: Arc<AppState>) -> StaticService {
    let dist: PathBuf = state.config.dist_dir.clone();
    // The build compressed the app's files ahead, at their best (xtask's `precompress`): those
    // are sent as they are, and the page layer's live compression passes them by.
    let files = ServeDir::new(&dist).precompressed_br().precompressed_gzip();
    let service = tower::service_fn(move |req: Request<Body>| {
        let files = files.clone();
        let state = state.clone();
        async move {
            let path = req.uri().path().to_string();
            // An app route has no file extension in its last segment.
            let is_route = !path.rsplit('/').next().unwrap_or("").contains('.');
            if is_route {
                let url = req.uri().path_and_query().map_or("/", |p| p.as_str());
                return Ok(super::pages::page(&state, url, req.headers()).await);
            }
            let mut response = { files.oneshot(req).await.map(|r| r.map(Body::new))? };
            let cache = if is_route || path.ends_with(".html") {
                "no-cache"
            } else if is_hashed(&path) {
                "public, max-age=31536000, immutable"
            } else {
                // Unhashed files (locales, icons): revalidate every time with the ETag.
                "no-cache"
            };
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            // Its compressed forms are answers to the same address: a shared cache must not
            // give the brotli one to a browser that did not ask for it.
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            Ok::<_, Infallible>(response)
        }
    });
    BoxCloneSyncService::new(service)
}

/// Trunk names built assets `name-<hash>.ext` (or `…_bg.wasm`), the hash a 64-bit number in
/// hex without leading zeros: 16 digits, occasionally fewer. The split app lives in a hashed
/// folder instead (`/app-<hash>/chunk_5.wasm`, see xtask's `app_build`): its files load one
/// another by relative name, so the folder carries the hash.
fn is_hashed(path: &str) -> bool {
    let is_hash =
        |part: &str| (12..=16).contains(&part.len()) && part.chars().all(|c| c.is_ascii_hexdigit());
    let mut segments = path.trim_start_matches('/').split('/');
    let file = segments.next_back().unwrap_or("");
    file.split(['-', '_', '.']).skip(1).any(is_hash)
        || segments.any(|dir| dir.split('-').skip(1).any(is_hash))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_names_are_recognised() {
        assert!(super::is_hashed("/qyzmet-3f2a9c0d1e4b5a6c_bg.wasm"));
        assert!(super::is_hashed("/main-3f2a9c0d1e4b5a6c.css"));
        assert!(
            super::is_hashed("/main-131ae7e913a6b79.css"),
            "a hash with its leading zero dropped"
        );
        assert!(
            !super::is_hashed("/deadbeefdeadbeef.css"),
            "a bare hex name is not a hashed asset"
        );
        assert!(
            super::is_hashed("/app-b1263a6e8f4daabf/chunk_5.wasm"),
            "a file in the split app's hashed folder"
        );
        assert!(!super::is_hashed("/locales/kk.json"));
        assert!(!super::is_hashed("/favicon.svg"));
    }
}
