//! A server killed mid-upload (SIGKILL: no destructor runs) leaves a temp file behind; the next
//! start sweeps it, and any stored file no attachment refers to, while files that rows refer
//! to stay. The real binary, as an operator runs it.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use tokio::io::AsyncWriteExt;

/// Starts the server binary over `data`; returns it and its base URL once it listens.
fn start_binary(data: &Path, dist: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qyzmet-server"))
        .args(["--demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .arg("--dist-dir")
        .arg(dist)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(addr) = line.strip_prefix("qyzmet-server listening on ") {
            break addr.trim().to_string();
        }
    };
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

fn temp_uploads(data: &Path) -> usize {
    std::fs::read_dir(data.join("tmp"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("upload-"))
            })
            .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_restart_after_a_killed_upload_leaves_nothing_behind() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    copy_dir(shared_pki(), &data.join("pki"));
    let dist = tempfile::tempdir().unwrap();
    let (mut server, base) = start_binary(&data, dist.path());

    // Log in (password, then the code from the TEST outbox) and keep the cookie.
    let tab = browser();
    let sent: qyzmet_domain::api::CodeSent = tab
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({"login": CITIZEN.0, "password": CITIZEN.1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let outbox: Vec<qyzmet_domain::api::TestSms> = plain()
        .get(format!(
            "{base}/api/test-sms-outbox/{}",
            registry_phone(CITIZEN.0)
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = code_in(&outbox[0].body);
    let res = tab
        .post(format!("{base}/api/session/code"))
        .json(&serde_json::json!({"verification_id": sent.verification_id, "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let draft: qyzmet_domain::api::ApplicationView = tab
        .post(format!("{base}/api/applications"))
        .json(&serde_json::json!({"service_id": "guardianship"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // One file stored properly: the sweep must keep it.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("kept.pdf"),
    );
    let kept = tab
        .post(format!(
            "{base}/api/applications/{}/attachments/health_certificate",
            draft.id
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), 201);
    let kept: qyzmet_domain::api::ApplicationView = kept.json().await.unwrap();
    let kept = kept.attachments[0].clone();
    // A stored file no row refers to, as a kill between the rename and the row leaves.
    let orphan = "ab".to_string() + &"0".repeat(62);
    std::fs::create_dir_all(data.join("attachments/ab")).unwrap();
    std::fs::write(data.join("attachments/ab").join(&orphan), b"orphan").unwrap();

    // An upload that sends its start and then stalls, and the server killed under it.
    let addr = base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/applications/{}/attachments/parental_care_loss HTTP/1.1\r\nHost: {addr}\r\n\
         Cookie: {cookie}\r\nx-qyzmet-csrf: 1\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 5000000\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n",
        draft.id
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![b'x'; 256 * 1024]).await.unwrap();
    stream.flush().await.unwrap();
    for _ in 0..200 {
        if temp_uploads(&data) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        temp_uploads(&data),
        1,
        "the upload is streaming to a temp file"
    );
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    drop(stream);
    assert_eq!(temp_uploads(&data), 1, "a kill leaves the temp file");

    let (mut again, _) = start_binary(&data, dist.path());
    assert_eq!(temp_uploads(&data), 0, "the restart swept the temp upload");
    assert!(
        !data.join("attachments/ab").join(&orphan).exists(),
        "and the orphan"
    );
    assert!(
        data.join("attachments")
            .join(&kept.sha256[..2])
            .join(&kept.sha256)
            .exists(),
        "a file a row refers to stays"
    );
    again.kill().unwrap();
    again.wait().unwrap();
}
