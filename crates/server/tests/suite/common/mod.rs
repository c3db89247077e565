//! A real server on a free port with a temp data directory (and demo data), for tests.
#![allow(dead_code)]

use qyzmet_server::{Config, DEFAULT_CATALOGUE_DIR};
use std::path::PathBuf;

pub struct Server {
    pub base: String,
    pub data: tempfile::TempDir,
    /// The server's database: SQLite in the data directory, or (when the suite runs on
    /// PostgreSQL, `QYZMET_TEST_POSTGRES`) a database of its own on that server.
    pub database_url: String,
    /// Other instances on the same database: `url` then sends each request to the next one
    /// in turn (`alternating`), as a load balancer's round robin does.
    pub others: Vec<Server>,
    turn: std::sync::atomic::AtomicUsize,
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
    launch(data, None, None, None).await
}

/// Starts another instance of the server on `database_url` (its own data directory and
/// process state): what a second instance behind a load balancer is.
pub async fn start_on_database(database_url: &str) -> Server {
    launch(
        tempfile::tempdir().unwrap(),
        None,
        None,
        Some(database_url.to_string()),
    )
    .await
}

/// Starts a server that asks the OCSP responder at `url` instead of the test PKI's own.
pub async fn start_with_ocsp_url(url: &str) -> Server {
    launch(
        tempfile::tempdir().unwrap(),
        Some(url.to_string()),
        None,
        None,
    )
    .await
}

/// Starts a server that asks the time-stamp authority at `url` instead of the test PKI's own.
pub async fn start_with_tsa_url(url: &str) -> Server {
    launch(
        tempfile::tempdir().unwrap(),
        None,
        Some(url.to_string()),
        None,
    )
    .await
}

/// The PostgreSQL server the suite runs on, when `cargo xtask test` started one
/// (`postgres://user@host:port`), else `None`: SQLite.
pub fn test_postgres() -> Option<String> {
    std::env::var("QYZMET_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The S3 bucket the suite stores attachments in, when `cargo xtask test` started an S3
/// server (`QYZMET_TEST_OBJECT_STORE`, with `AWS_*` set), else `None`: the data folder.
pub fn test_object_store() -> Option<String> {
    std::env::var("QYZMET_TEST_OBJECT_STORE")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A new empty database on the suite's PostgreSQL (`None` without one).
pub async fn fresh_postgres_database() -> Option<String> {
    test_postgres()?;
    Some(fresh_database(std::path::Path::new("unused")).await)
}

/// A fresh database for one server: on the suite's PostgreSQL, a new empty database;
/// else the embedded default (SQLite in the data directory).
async fn fresh_database(data_dir: &std::path::Path) -> String {
    let Some(base) = test_postgres() else {
        return qyzmet_server::db::default_url(data_dir);
    };
    sqlx::any::install_default_drivers();
    let name = format!("qyzmet_test_{}", uuid_like());
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&format!("{base}/postgres"))
        .await
        .expect("the suite's PostgreSQL answers");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A connection pool to the server's database, for tests that look at what was stored.
pub async fn database(s: &Server) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&s.database_url).await.unwrap()
}

/// Starts a server whose configuration `configure` changes from the suite's (a demo on a
/// fresh database), e.g. into production mode.
pub async fn start_configured(configure: impl FnOnce(&mut Config)) -> Server {
    launch_with(tempfile::tempdir().unwrap(), None, None, None, configure).await
}

async fn launch(
    data: tempfile::TempDir,
    ocsp_url: Option<String>,
    tsa_url: Option<String>,
    database_url: Option<String>,
) -> Server {
    launch_with(data, ocsp_url, tsa_url, database_url, |_| ()).await
}

async fn launch_with(
    data: tempfile::TempDir,
    ocsp_url: Option<String>,
    tsa_url: Option<String>,
    database_url: Option<String>,
    configure: impl FnOnce(&mut Config),
) -> Server {
    let database_url = match database_url {
        Some(url) => url,
        None => fresh_database(&data.path().join("data")).await,
    };
    // RSA key generation for a PKI takes seconds: every server of a test binary starts
    // with a copy of one made once.
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        // The app's own page template (the build only adds its start-up script).
        include_str!("../../../../../index.html"),
    )
    .unwrap();
    std::fs::write(
        dist.path().join("qyzmet-0123456789abcdef_bg.wasm"),
        vec![0u8; 4096],
    )
    .unwrap();
    // The build's brotli form of it (xtask's `precompress`): not the same bytes as the
    // server's own compression would make, so a test can tell which was sent.
    std::fs::write(
        dist.path().join("qyzmet-0123456789abcdef_bg.wasm.br"),
        &*PRECOMPRESSED_WASM,
    )
    .unwrap();
    std::fs::write(
        dist.path().join("main-0123456789abcdef.css"),
        "body{}".repeat(500),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config {
        addr,
        data_dir: data.path().join("data"),
        dist_dir: dist.path().to_path_buf(),
        catalogue_dir: PathBuf::from(DEFAULT_CATALOGUE_DIR),
        database_url: Some(database_url.clone()),
        demo: true,
        ocsp_url,
        tsa_url,
        object_store: test_object_store(),
        // The suite's clients connect from here and send no X-Forwarded-For (so count as
        // themselves), except the test that plays a proxy.
        trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        sms: None,
        payments: Default::default(),
        epay: Default::default(),
        public_url: None,
        trust_dir: None,
    };
    configure(&mut config);
    let pki = data.path().join("data").join("pki");
    if config.demo && config.trust_dir.is_none() && !pki.exists() {
        copy_dir(shared_pki(), &pki);
    }
    let task = tokio::spawn(qyzmet_server::run(config, listener));
    let base = format!("http://{addr}");
    for _ in 0..1500 {
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
        database_url,
        others: Vec::new(),
        turn: Default::default(),
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
        launch(self.data, None, None, Some(self.database_url)).await
    }

    pub fn url(&self, path: &str) -> String {
        let n = self.others.len() + 1;
        let i = self.turn.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % n;
        let base = if i == 0 {
            &self.base
        } else {
            &self.others[i - 1].base
        };
        format!("{base}{path}")
    }

    /// This instance and `others` (started on its database) as one server whose requests
    /// go to each in turn.
    pub fn alternating(mut self, others: Vec<Server>) -> Server {
        self.others = others;
        self
    }

    /// The password step alone: 202 and a code sent, or a problem.
    pub async fn password_step(
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

    /// Logs in as a person would: the password, then the code the TEST SMS outbox shows
    /// for the registry's phone of `login`. The password step's answer when it fails.
    pub async fn login(&self, client: &reqwest::Client, who: (&str, &str)) -> reqwest::Response {
        log_in_at(&self.base, client, who).await
    }

    /// The code in the message the TEST SMS outbox holds for `phone` and verification `id`
    /// (its reference), so a code asked for elsewhere at the same time is never taken.
    pub async fn code_for(&self, phone: &str, id: &str) -> String {
        code_at(&self.base, phone, id).await
    }
}

/// The code for verification `id` in the TEST SMS outbox of `phone`, at `base`.
pub async fn code_at(base: &str, phone: &str, id: &str) -> String {
    let messages: Vec<qyzmet_domain::api::TestSms> = plain()
        .get(format!("{base}/api/test-sms-outbox/{phone}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = messages
        .iter()
        .find(|m| m.reference == id)
        .unwrap_or_else(|| panic!("no message for verification {id} in {messages:?}"));
    code_in(&message.body)
}

/// Registers `login` as its holder would without EDS: a code to the registry's phone, read
/// from the TEST SMS outbox, sent back with the form.
pub async fn register_with_sms(
    s: &Server,
    tab: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let res = tab
        .post(s.url("/api/accounts/verification"))
        .json(&serde_json::json!({"login": login}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let sent: qyzmet_domain::api::CodeSent = res.json().await.unwrap();
    let code = s
        .code_for(&registry_phone(login), &sent.verification_id)
        .await;
    tab.post(s.url("/api/accounts"))
        .json(&serde_json::json!({
            "login": login, "email": "t@example.kz", "password": password,
            "proof": {"method": "sms", "verification_id": sent.verification_id, "code": code}
        }))
        .send()
        .await
        .unwrap()
}

/// The six-digit code an SMS carries.
pub fn code_in(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body:?}"))
        .to_string()
}

/// The phone the demo registry holds for an IIN, or for a BIN its head's.
pub fn registry_phone(login: &str) -> String {
    let demo: toml::Value = toml::from_str(include_str!("../../../demo/demo.toml")).unwrap();
    let person_phone = |iin: &str| {
        demo["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["iin"].as_str() == Some(iin))
            .and_then(|p| p.get("phone"))
            .and_then(|p| p.as_str())
            .map(str::to_string)
    };
    let head = demo["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["bin"].as_str() == Some(login))
        .map(|c| c["head_iin"].as_str().unwrap().to_string());
    person_phone(head.as_deref().unwrap_or(login)).unwrap_or_default()
}

/// Logs `client` in at `base` (one server, or a load balancer in front of several): the
/// password, then the code from the TEST SMS outbox. The password step's answer when it fails.
pub async fn log_in_at(
    base: &str,
    client: &reqwest::Client,
    (login, password): (&str, &str),
) -> reqwest::Response {
    let res = client
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    if res.status() != 202 {
        return res;
    }
    let sent: qyzmet_domain::api::CodeSent = res.json().await.unwrap();
    let code = code_at(base, &registry_phone(login), &sent.verification_id).await;
    client
        .post(format!("{base}/api/session/code"))
        .json(&serde_json::json!({"verification_id": sent.verification_id, "code": code}))
        .send()
        .await
        .unwrap()
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

/// One PKI for all test binaries of a build, kept in Cargo's temp dir for the target and
/// made again when a week old (its "not yet valid" certificate becomes valid after 30 days).
pub fn shared_pki() -> &'static std::path::Path {
    static PKI: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PKI.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("shared-test-pki");
        let root = dir.join("pki").join("root-ca.cer");
        let week = std::time::Duration::from_secs(7 * 86_400);
        let stale = std::fs::metadata(&root)
            .and_then(|m| m.modified())
            .map(|t| t.elapsed().map_or(true, |age| age > week))
            .unwrap_or(true);
        if stale && dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        qyzmet_server::test_doubles::test_ca::open_or_create(&dir, now).unwrap();
        dir.join("pki")
    })
}

pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A demo key file of the server's PKI (`keys/<name>`), opened with the demo password.
pub fn demo_key(s: &Server, name: &str) -> qyzmet_eds::SigningKey {
    demo_key_at(s, name)
}

/// The same for a path under `keys/` (e.g. `test/…`).
pub fn demo_key_at(s: &Server, name: &str) -> qyzmet_eds::SigningKey {
    let path = s.data.path().join("data/pki/keys").join(name);
    let file = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    qyzmet_eds::open_pkcs12(&file, qyzmet_server::test_doubles::test_ca::DEMO_PASSWORD).unwrap()
}

/// A brotli stream of 4096 zero bytes (quality 11, window 24), as the build writes it.
pub static PRECOMPRESSED_WASM: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 24);
        w.write_all(&[0u8; 4096]).unwrap();
    }
    out
});

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

pub async fn new_draft(
    s: &Server,
    tab: &reqwest::Client,
    service: &str,
) -> qyzmet_domain::api::ApplicationView {
    let res = tab
        .post(s.url("/api/applications"))
        .json(&serde_json::json!({"service_id": service}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

pub async fn upload(
    s: &Server,
    tab: &reqwest::Client,
    app: &str,
    doc: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    tab.post(s.url(&format!("/api/applications/{app}/attachments/{doc}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Answers that make a guardianship draft complete.
pub fn guardianship_answers() -> serde_json::Value {
    serde_json::json!({
        "marital_status": "single",
        "address": "Тараз қ., Төле би к. 12",
        "children": [{"last_name": "Ахметов", "first_name": "Нұрлан", "birth_date": "2016-05-04", "iin": "160504512345", "kinship": "relative"}],
        "care_kind": "guardianship",
        "reason": "Баланың ата-анасы қайтыс болды.",
        "phone": "+7 701 123 45 67",
        "email": "aigul@example.kz"
    })
}

/// Fills the answers and uploads the documents a guardianship draft needs.
pub async fn complete_guardianship(s: &Server, tab: &reqwest::Client, id: &str) {
    let res = tab
        .patch(s.url(&format!("/api/applications/{id}")))
        .json(&serde_json::json!({"version": 1, "answers": guardianship_answers()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for doc in [
        "health_certificate",
        "parental_care_loss",
        "birth_certificates",
    ] {
        assert_eq!(
            upload(s, tab, id, doc, "d.pdf", PDF.to_vec())
                .await
                .status(),
            201
        );
    }
}

/// Signs `document` with a demo key at the current time: a detached CMS, base64.
pub fn sign_b64(key: &qyzmet_eds::SigningKey, document: &[u8]) -> String {
    use base64::Engine;
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    base64::engine::general_purpose::STANDARD
        .encode(qyzmet_eds::sign_detached(key, document, now).unwrap())
}

/// A guardianship request of the demo citizen, complete, signed with their key and
/// registered (to the local executive body).
pub async fn registered_guardianship(
    s: &Server,
    tab: &reqwest::Client,
) -> qyzmet_domain::api::ApplicationView {
    let draft = new_draft(s, tab, "guardianship").await;
    complete_guardianship(s, tab, &draft.id).await;
    sign_and_submit(s, tab, &draft.id).await
}

/// Signs a complete draft of the demo citizen with their key and submits it.
pub async fn sign_and_submit(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
) -> qyzmet_domain::api::ApplicationView {
    let key = demo_key(s, "880315412341-signing.p12");
    let res = submit_signed_with(s, tab, id, &key).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// Signs the document formed for draft `id` with `key` and submits it; the raw answer.
pub async fn submit_signed_with(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    key: &qyzmet_eds::SigningKey,
) -> reqwest::Response {
    use base64::Engine;
    let formed: qyzmet_domain::api::OutgoingDocumentView =
        get_json(s, tab, &format!("/api/applications/{id}/outgoing-document")).await;
    let document = base64::engine::general_purpose::STANDARD
        .decode(&formed.document)
        .unwrap();
    tab.post(s.url(&format!("/api/applications/{id}/submit")))
        .header("idempotency-key", format!("key-{id}"))
        .json(&serde_json::json!({"document": formed.document, "signature": sign_b64(key, &document)}))
        .send()
        .await
        .unwrap()
}

/// `GET path` as `tab`, read as JSON.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    s: &Server,
    tab: &reqwest::Client,
    path: &str,
) -> T {
    let res = tab.get(s.url(path)).send().await.unwrap();
    assert!(res.status().is_success(), "GET {path}: {}", res.status());
    res.json().await.unwrap()
}

/// `POST path` (no body) as `tab`, read as JSON.
pub async fn post_json<T: serde::de::DeserializeOwned>(
    s: &Server,
    tab: &reqwest::Client,
    path: &str,
) -> T {
    let res = tab.post(s.url(path)).send().await.unwrap();
    assert!(res.status().is_success(), "POST {path}: {}", res.status());
    res.json().await.unwrap()
}

/// The guardianship authority's staff (004): the clerk who also examines, its head, and a
/// second executor.
pub const GUARDIANSHIP_CLERK: (&str, &str) = ("770214324684", "Officer-demo-2026");
pub const GUARDIANSHIP_HEAD: (&str, &str) = ("741009410712", "Head-demo-2026");
pub const GUARDIANSHIP_EXECUTOR: (&str, &str) = ("850814441689", "Officer-demo-2026");

/// The account id of whoever `tab` is logged in as.
pub async fn account_id(s: &Server, tab: &reqwest::Client) -> i64 {
    let session: qyzmet_domain::api::SessionView = get_json(s, tab, "/api/session").await;
    session.account.id
}

/// `POST /api/officer/requests/{id}/step` as `tab`.
pub async fn complete_step(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    tab.post(s.url(&format!("/api/officer/requests/{id}/step")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The guardianship request `id` through 004's first steps: the office registers it (as
/// `clerk`), the head names `clerk` the executor — the request is in review, with `clerk`.
pub async fn to_examination(s: &Server, clerk: &reqwest::Client, id: &str) {
    let res = complete_step(s, clerk, id, serde_json::json!({"step": 0})).await;
    assert_eq!(res.status(), 200, "the office registers");
    let head = logged_in(s, GUARDIANSHIP_HEAD).await;
    let executor = account_id(s, clerk).await;
    let res = complete_step(
        s,
        &head,
        id,
        serde_json::json!({"step": 1, "executor": executor}),
    )
    .await;
    assert_eq!(res.status(), 200, "the head names the executor");
}

/// The guardianship request `id` decided (`outcome`: `{"outcome": …, "reason": …}`) as 004
/// has it: registered and assigned to `clerk` unless it already is (`to_examination`), the
/// result prepared by `clerk`, then the head forms the decision document, signs it with the
/// head's demo key and sends it. The answer to the signed decision.
pub async fn sign_decision(
    s: &Server,
    clerk: &reqwest::Client,
    id: &str,
    outcome: serde_json::Value,
) -> reqwest::Response {
    let view: qyzmet_domain::api::OfficerRequestView =
        get_json(s, clerk, &format!("/api/officer/requests/{id}")).await;
    let at = view.process.current.as_ref().map(|c| c.index);
    if at.is_some_and(|i| i < 2) {
        to_examination(s, clerk, id).await;
    }
    if at.is_some_and(|i| i <= 2) {
        let mut prepare = outcome.clone();
        prepare["step"] = 2.into();
        let res = complete_step(s, clerk, id, prepare).await;
        assert_eq!(res.status(), 200, "the executor prepares the result");
    }
    let head = logged_in(s, GUARDIANSHIP_HEAD).await;
    sign_as(s, &head, "741009410712-signing.p12", id, outcome).await
}

/// The decision document formed for `signer`, signed with their demo `key` and sent.
pub async fn sign_as(
    s: &Server,
    signer: &reqwest::Client,
    key: &str,
    id: &str,
    outcome: serde_json::Value,
) -> reqwest::Response {
    use base64::Engine;
    let res = signer
        .post(s.url(&format!("/api/officer/requests/{id}/decision-document")))
        .json(&outcome)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the decision document is formed");
    let formed: qyzmet_domain::api::DecisionDocumentView = res.json().await.unwrap();
    let document = base64::engine::general_purpose::STANDARD
        .decode(&formed.document)
        .unwrap();
    let signature = sign_b64(&demo_key(s, key), &document);
    signer
        .post(s.url(&format!("/api/officer/requests/{id}/decision")))
        .json(&serde_json::json!({"document": formed.document, "signature": signature}))
        .send()
        .await
        .unwrap()
}

/// `GET path` as `tab`, the body's bytes (a file: a certificate, a signature, a PDF).
pub async fn get_bytes(s: &Server, tab: &reqwest::Client, path: &str) -> Vec<u8> {
    let res = tab.get(s.url(path)).send().await.unwrap();
    assert!(res.status().is_success(), "GET {path}: {}", res.status());
    res.bytes().await.unwrap().to_vec()
}

/// Asserts a problem answer's status and code, and returns it for further checks.
pub async fn expect_problem(
    res: reqwest::Response,
    status: u16,
    code: &str,
) -> qyzmet_domain::api::Problem {
    let (got, p) = problem(res).await;
    assert_eq!((got, p.code.as_str()), (status, code), "{}", p.title);
    p
}

/// Runs `openssl` in `dir` (xtask installs it, with its GOST engine).
pub fn openssl_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command")
}

/// A browser tab whose requests reach the server through a proxy (the suite's servers trust
/// 127.0.0.1 as one) that saw them come from `address`.
pub fn behind_proxy(address: &'static str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-qyzmet-csrf",
        reqwest::header::HeaderValue::from_static("1"),
    );
    headers.insert(
        "x-forwarded-for",
        reqwest::header::HeaderValue::from_static(address),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}
