//! Durability under crashes: two instances on PostgreSQL and S3 behind nginx, eight clients
//! submitting signed applications at once, and one instance killed with SIGKILL (then
//! restarted) again and again. Every submission the cluster acknowledged must exist exactly
//! once, with its signature and its attachments in the store; registration numbers unique.
//! Clients retry what failed as a browser's user would (the submit with the same
//! Idempotency-Key).

use crate::common::*;
use base64::Engine;
use qyzmet_domain::api::{ApplicationView, OutgoingDocumentView};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const KILLS: usize = 12;
/// Requests a crash answered (or cut off) and a client sent again.
static RETRIED: AtomicUsize = AtomicUsize::new(0);
const CLIENTS: usize = 8;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Instance {
    port: u16,
    child: Child,
}

/// However the test ends (a failed assertion included), no instance outlives it.
impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx, stopped with SIGTERM (its master stops the workers; SIGKILL would orphan them).
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

fn spawn_instance(port: u16, data: &Path, dist: &Path, database_url: &str) -> Instance {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qyzmet-server"));
    command
        .args([
            "--demo",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .arg("--dist-dir")
        .arg(dist)
        .args(["--database-url", database_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(store) = test_object_store() {
        command.args(["--object-store", &store]);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let Some(Ok(line)) = lines.next() else {
            panic!(
                "the instance on port {port} stopped before it listened: {:?}",
                child.wait()
            );
        };
        if line.starts_with("qyzmet-server listening on ") {
            break;
        }
    }
    // Its log, beside its data folder in the test's temp folder (read it when something fails).
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.with_file_name(format!("instance-{port}.log")))
        .unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        for line in lines.map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
        }
    });
    Instance { port, child }
}

fn start_nginx(dir: &Path, port: u16, upstreams: &[u16]) -> Nginx {
    let servers: String = upstreams
        .iter()
        .map(|p| format!("server 127.0.0.1:{p} max_fails=1 fail_timeout=1s; "))
        .collect();
    let d = dir.display();
    let conf = format!(
        "daemon off; pid {d}/nginx.pid; error_log {d}/error.log crit; events {{}} \
         http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; \
         fastcgi_temp_path {d}/f; uwsgi_temp_path {d}/u; scgi_temp_path {d}/s; \
         upstream qyzmet {{ {servers} }} \
         server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://qyzmet; \
         proxy_http_version 1.1; proxy_set_header Host $http_host; \
         proxy_next_upstream error timeout; }} }} }}"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new("/usr/sbin/nginx")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .spawn()
        .expect("nginx (Debian's) is installed: cargo xtask test installs it");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx(child)
}

/// An answer worth retrying: the instance died under the request, or nginx found none up.
fn transient(res: &Result<reqwest::Response, reqwest::Error>) -> bool {
    match res {
        Err(_) => true,
        Ok(r) => matches!(r.status().as_u16(), 502..=504),
    }
}

/// Sends the request `make` builds until it gets an answer that is not a crash's.
async fn until_answered(make: impl Fn() -> reqwest::RequestBuilder) -> reqwest::Response {
    for _ in 0..200 {
        let res = make().send().await;
        if !transient(&res) {
            return res.unwrap();
        }
        RETRIED.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no instance answered for 20 s");
}

/// One client's application, from a new draft to an acknowledged registration.
async fn submit_one(
    base: &str,
    tab: &reqwest::Client,
    key: &qyzmet_eds::SigningKey,
) -> ApplicationView {
    let url = |p: &str| format!("{base}{p}");
    let res = until_answered(|| {
        tab.post(url("/api/applications"))
            .json(&json!({"service_id": "guardianship"}))
    })
    .await;
    assert_eq!(res.status(), 201);
    let draft: ApplicationView = res.json().await.unwrap();
    let id = draft.id;
    let res = until_answered(|| {
        tab.patch(url(&format!("/api/applications/{id}")))
            .json(&json!({"version": 1, "answers": guardianship_answers()}))
    })
    .await;
    // 409: a retry of a save that had landed before the crash.
    assert!(
        matches!(res.status().as_u16(), 200 | 409),
        "{}",
        res.status()
    );
    for doc in [
        "health_certificate",
        "parental_care_loss",
        "birth_certificates",
    ] {
        let res = until_answered(|| {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("d.pdf"),
            );
            tab.post(url(&format!("/api/applications/{id}/attachments/{doc}")))
                .multipart(form)
        })
        .await;
        assert_eq!(res.status(), 201);
    }
    let res =
        until_answered(|| tab.get(url(&format!("/api/applications/{id}/outgoing-document")))).await;
    assert_eq!(res.status(), 200);
    let formed: OutgoingDocumentView = res.json().await.unwrap();
    let document = base64::engine::general_purpose::STANDARD
        .decode(&formed.document)
        .unwrap();
    let body = json!({"document": formed.document, "signature": sign_b64(key, &document)});
    let res = until_answered(|| {
        tab.post(url(&format!("/api/applications/{id}/submit")))
            .header("idempotency-key", format!("durable-{id}"))
            .json(&body)
    })
    .await;
    assert!(
        matches!(res.status().as_u16(), 200 | 201),
        "submit: {}",
        res.status()
    );
    res.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL, S3 and nginx: `cargo xtask test` starts them and runs this"]
async fn every_acknowledged_submission_survives_instances_killed_mid_flight() {
    let database_url = fresh_postgres_database()
        .await
        .expect("QYZMET_TEST_POSTGRES is set");
    let root = tempfile::tempdir().unwrap();
    let (data, dist) = (root.path().join("data"), root.path().join("dist"));
    copy_dir(shared_pki(), &data.join("pki"));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Qyzmet</title>",
    )
    .unwrap();
    let ports = [free_port(), free_port()];
    // The first runs the migrations and seeds the demo data; then the second.
    let first = spawn_instance(ports[0], &data, &dist, &database_url);
    let second = spawn_instance(ports[1], &data, &dist, &database_url);
    let lb_port = free_port();
    let nginx = start_nginx(root.path(), lb_port, &ports);
    let base = format!("http://127.0.0.1:{lb_port}");

    // One logged-in citizen, eight tabs of theirs (the session lives in the database). A
    // request that hangs on a dying instance is given up and sent again.
    let tab = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(
            [(
                "x-qyzmet-csrf",
                reqwest::header::HeaderValue::from_static("1"),
            )]
            .into_iter()
            .map(|(k, v)| (reqwest::header::HeaderName::from_static(k), v))
            .collect(),
        )
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    assert_eq!(log_in_at(&base, &tab, CITIZEN).await.status(), 200);
    let key = Arc::new({
        let file = std::fs::read(data.join("pki/keys/880315412341-signing.p12")).unwrap();
        qyzmet_eds::open_pkcs12(&file, qyzmet_server::test_doubles::test_ca::DEMO_PASSWORD).unwrap()
    });

    let killing = Arc::new(AtomicBool::new(true));
    let kills = Arc::new(AtomicUsize::new(0));
    let killer = {
        let (killing, kills) = (killing.clone(), kills.clone());
        let (data, dist, database_url) = (data.clone(), dist.clone(), database_url.clone());
        std::thread::spawn(move || {
            // However this ends, the clients stop.
            struct Stop(Arc<AtomicBool>);
            impl Drop for Stop {
                fn drop(&mut self) {
                    self.0.store(false, Ordering::SeqCst);
                }
            }
            let _stop = Stop(killing.clone());
            let mut instances = vec![first, second];
            for round in 0..KILLS {
                std::thread::sleep(Duration::from_millis(600));
                let victim = &mut instances[round % 2];
                victim.child.kill().unwrap(); // SIGKILL
                victim.child.wait().unwrap();
                kills.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(200));
                let port = victim.port;
                // The old one is dead already; dropping it kills nothing else.
                *victim = spawn_instance(port, &data, &dist, &database_url);
            }
            killing.store(false, Ordering::SeqCst);
            instances
        })
    };
    let acknowledged = Arc::new(tokio::sync::Mutex::new(Vec::<ApplicationView>::new()));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (tab, key, base) = (tab.clone(), key.clone(), base.clone());
        let (killing, acknowledged) = (killing.clone(), acknowledged.clone());
        clients.push(tokio::spawn(async move {
            while killing.load(Ordering::SeqCst) {
                let registered = submit_one(&base, &tab, &key).await;
                acknowledged.lock().await.push(registered);
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    let instances = tokio::task::spawn_blocking(move || killer.join().unwrap())
        .await
        .unwrap();
    assert_eq!(kills.load(Ordering::SeqCst), KILLS);

    let acknowledged = acknowledged.lock().await.clone();
    assert!(
        acknowledged.len() >= CLIENTS,
        "load happened: {} acknowledged",
        acknowledged.len()
    );
    let db = qyzmet_server::db::connect(&database_url).await.unwrap();
    let files =
        qyzmet_server::storage::FileStore::open(test_object_store().as_deref(), &data).unwrap();
    for app in &acknowledged {
        let number = app
            .registration_number
            .clone()
            .expect("a registered request has its number");
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT a.registration_number, a.status, \
             (SELECT COUNT(*) FROM submissions s WHERE s.application_id = a.id) \
             FROM applications a WHERE a.public_id = $1",
        )
        .bind(app.id.clone())
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            rows,
            vec![(number.clone(), "registered".to_string(), 1)],
            "{}",
            app.id
        );
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT t.sha256 FROM attachments t JOIN applications a ON a.id = t.application_id \
             WHERE a.public_id = $1",
        )
        .bind(app.id.clone())
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(stored.len(), 3, "{number}: its three documents");
        for sha in stored {
            assert!(
                files.exists(&sha).await,
                "{number}: its file {sha} is in the store"
            );
        }
    }
    let doubled: Vec<(String, i64)> = sqlx::query_as(
        "SELECT registration_number, COUNT(*) FROM applications \
         WHERE registration_number IS NOT NULL GROUP BY registration_number HAVING COUNT(*) > 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        doubled.is_empty(),
        "registration numbers given twice: {doubled:?}"
    );
    let retried = RETRIED.load(Ordering::SeqCst);
    assert!(retried > 0, "the kills hit requests in flight");
    eprintln!(
        "{} submissions acknowledged through {KILLS} SIGKILLs ({retried} requests cut off and sent again); all there once, with signature and files",
        acknowledged.len()
    );
    drop(nginx);
    drop(instances);
}
