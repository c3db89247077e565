//! A real server on a free port with a temp data directory (and demo data), for tests.
#![allow(dead_code)]

use qyzmet_server::{Config, DEFAULT_CATALOGUE_DIR};
use std::path::PathBuf;

pub struct Server {
    pub base: String,
    pub data: tempfile::TempDir,
    _dist: tempfile::TempDir,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

pub const CITIZEN: (&str, &str) = ("880315412341", "Aigul-demo-2026");
pub const COMPANY: (&str, &str) = ("150440001236", "Astyq-demo-2026");
/// In the registry but without an account.
pub const UNREGISTERED_PERSON: &str = "740303346801";
pub const UNREGISTERED_COMPANY: &str = "091240004563";

pub async fn start() -> Server {
    start_in(tempfile::tempdir().unwrap()).await
}

/// Starts a server over an existing data directory (a restart keeps what was stored).
pub async fn start_in(data: tempfile::TempDir) -> Server {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Qyzmet</title>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("qyzmet-0123456789abcdef_bg.wasm"),
        vec![0u8; 4096],
    )
    .unwrap();
    std::fs::write(
        dist.path().join("main-0123456789abcdef.css"),
        "body{}".repeat(500),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Config {
        addr,
        data_dir: data.path().join("data"),
        dist_dir: dist.path().to_path_buf(),
        catalogue_dir: PathBuf::from(DEFAULT_CATALOGUE_DIR),
        database_url: None,
        demo: true,
    };
    let task = tokio::spawn(qyzmet_server::run(config, listener));
    let base = format!("http://{addr}");
    for _ in 0..250 {
        if reqwest::get(format!("{base}/api/health"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Server {
        base,
        data,
        _dist: dist,
        task,
    }
}

/// A client that keeps cookies (a browser tab) and sends the CSRF header like the app does.
pub fn browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-qyzmet-csrf",
        reqwest::header::HeaderValue::from_static("1"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .no_gzip()
        .build()
        .unwrap()
}

/// A client without cookies or CSRF header.
pub fn plain() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}

impl Server {
    /// Stops the server (its connections and database pool are dropped) and starts a new one
    /// over the same data directory.
    pub async fn restart(self) -> Server {
        self.task.abort();
        let _ = self.task.await;
        start_in(self.data).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        (login, password): (&str, &str),
    ) -> reqwest::Response {
        client
            .post(self.url("/api/session"))
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
    }
}

/// A logged-in browser tab for a demo account.
pub async fn logged_in(s: &Server, who: (&str, &str)) -> reqwest::Client {
    let tab = browser();
    assert_eq!(s.login(&tab, who).await.status(), 200);
    tab
}

/// A problem answer: its status and body.
pub async fn problem(res: reqwest::Response) -> (u16, qyzmet_domain::api::Problem) {
    let status = res.status().as_u16();
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    (status, res.json().await.unwrap())
}
