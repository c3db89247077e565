//! The attachment store's two real backends: the data folder, and an S3-compatible server
//! (`cargo xtask test` starts Garage and names a bucket in `QYZMET_TEST_OBJECT_STORE`).
//! Content-addressed puts, multipart for large files, streamed reads, and the sweep that
//! removes what no attachment row refers to.

use futures_util::TryStreamExt;
use qyzmet_server::storage::FileStore;
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn read_all(files: &FileStore, sha: &str) -> Vec<u8> {
    let chunks: Vec<bytes::Bytes> = files.read(sha).await.unwrap().try_collect().await.unwrap();
    chunks.concat()
}

/// Puts a file as an upload does (from a temp file), reads it back, sweeps what no row
/// refers to.
async fn round_trip(files: FileStore) {
    let scratch = tempfile::tempdir().unwrap();
    // 20 MiB and a bit: three parts of a multipart upload on S3.
    let big: Vec<u8> = (0..20 * 1024 * 1024 + 123)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let sha = sha256(&big);
    let temp = scratch.path().join("upload-big");
    std::fs::write(&temp, &big).unwrap();
    files.put_file(&sha, &temp).await.unwrap();
    assert!(!temp.exists(), "the temp file is gone once stored");
    assert!(files.exists(&sha).await);
    assert!(
        read_all(&files, &sha).await == big,
        "the same bytes come back"
    );
    // The same bytes again: kept once.
    std::fs::write(&temp, &big).unwrap();
    files.put_file(&sha, &temp).await.unwrap();
    let listed: Vec<String> = files
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.sha256)
        .collect();
    assert_eq!(listed.iter().filter(|s| **s == sha).count(), 1);
    assert!(files.ready(scratch.path()).await);

    // The sweep: a database whose rows refer to another file only.
    let data = tempfile::tempdir().unwrap();
    let db = qyzmet_server::db::connect(&qyzmet_server::db::default_url(data.path()))
        .await
        .unwrap();
    let small = b"%PDF-1.4 kept".to_vec();
    let kept = sha256(&small);
    std::fs::write(&temp, &small).unwrap();
    files.put_file(&kept, &temp).await.unwrap();
    qyzmet_server::demo::seed_if_empty(&db).await.unwrap();
    sqlx::query(
        "INSERT INTO applications (public_id, account_id, service_id, variant_id, provider_id, status, answers, version, created_at, updated_at) \
         VALUES ('swp', 1, 'guardianship', 'main', 'p', 'draft', '{}', 1, 0, 0)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO attachments (application_id, document_id, file_name, content_type, size, sha256, created_at) \
         SELECT id, 'doc', 'a.pdf', 'application/pdf', 13, $1, 0 FROM applications WHERE public_id = 'swp'",
    )
    .bind(kept.clone())
    .execute(&db.pool)
    .await
    .unwrap();
    // Young files are spared (an upload on another instance may be about to write its row).
    let spared = qyzmet_server::attachments::sweep(&db, &files, data.path(), 3600)
        .await
        .unwrap();
    assert_eq!(spared.orphans, 0);
    let swept = qyzmet_server::attachments::sweep(&db, &files, data.path(), 0)
        .await
        .unwrap();
    assert!(swept.orphans >= 1, "{swept:?}");
    assert!(!files.exists(&sha).await, "the orphan is gone");
    assert!(files.exists(&kept).await, "a file a row refers to stays");
    assert_eq!(read_all(&files, &kept).await, small);
}

#[tokio::test]
async fn the_data_folder_stores_reads_and_sweeps() {
    let dir = tempfile::tempdir().unwrap();
    round_trip(FileStore::open(None, dir.path()).unwrap()).await;
}

#[tokio::test]
#[ignore = "needs an S3 server: `cargo xtask test` starts one and runs this with QYZMET_TEST_OBJECT_STORE"]
async fn an_s3_bucket_stores_reads_and_sweeps() {
    let bucket =
        crate::common::test_object_store().expect("QYZMET_TEST_OBJECT_STORE names a bucket");
    // A prefix of its own: the sweep below must not see the other tests' files.
    let url = format!("{bucket}-storage-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    round_trip(FileStore::open(Some(&url), dir.path()).unwrap()).await;
}
