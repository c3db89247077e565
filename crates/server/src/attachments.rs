//! Attachment files: streamed to a temp file while counted, hashed and sniffed, then renamed
//! into a content-addressed store (`attachments/ab/abcdef…`, the SHA-256) only when complete
//! and durable; the database row is written after the rename. Types are judged by content
//! (magic bytes), never by the name.

use crate::storage::FileStore;
use qyzmet_domain::catalogue::FileType;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Per-application limit on all attachments together.
pub const APPLICATION_LIMIT: u64 = 50 * 1024 * 1024;

/// What the first bytes say the file is.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    if head.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileType::Png)
    } else {
        None
    }
}

/// Why an upload was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadError {
    Empty,
    TooLarge { limit: u64 },
    TypeNotAllowed,
    Io(String),
}

/// A file safely on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub size: u64,
    pub file_type: FileType,
}

/// How big one upload may be: the slot's own limit, or less when the application's other
/// files leave less of the application's whole allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    /// The application's allowance, not the slot's, is what binds.
    pub application_bound: bool,
}

impl Limit {
    pub fn for_slot(max_size_mb: u32, others: impl Iterator<Item = u64>) -> Limit {
        let file_limit = u64::from(max_size_mb) * 1024 * 1024;
        let bytes = file_limit.min(APPLICATION_LIMIT.saturating_sub(others.sum()));
        Limit {
            bytes,
            application_bound: bytes < file_limit,
        }
    }
}

/// An attachment's row: what the download needs to find and serve its file.
#[derive(Debug, Clone)]
pub struct Attached {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
}

/// Records `file` (already durable in the store) as the application's document
/// `document_id`, replacing the one there was, in one transaction.
pub async fn record(
    db: &crate::db::Db,
    application_id: i64,
    document_id: &str,
    file_name: &str,
    file: &StoredFile,
    now: i64,
) -> sqlx::Result<()> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM attachments WHERE application_id = $1 AND document_id = $2")
        .bind(application_id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO attachments (application_id, document_id, file_name, content_type, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(application_id)
    .bind(document_id)
    .bind(file_name)
    .bind(file.file_type.mime().to_string())
    .bind(file.size as i64)
    .bind(&file.sha256)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE applications SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(application_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Removes the application's document `document_id`; false when there was none. (Its file
/// stays until the sweep finds no row refers to it: another application may share it.)
pub async fn remove(
    db: &crate::db::Db,
    application_id: i64,
    document_id: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM attachments WHERE application_id = $1 AND document_id = $2")
            .bind(application_id)
            .bind(document_id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// The application's document `document_id`, if attached.
pub async fn find(
    db: &crate::db::Db,
    application_id: i64,
    document_id: &str,
) -> sqlx::Result<Option<Attached>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT file_name, content_type, sha256 FROM attachments WHERE application_id = $1 AND document_id = $2")
        .bind(application_id)
        .bind(document_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Attached {
            file_name: r.try_get("file_name")?,
            content_type: r.try_get("content_type")?,
            sha256: r.try_get("sha256")?,
        })
    })
    .transpose()
}

/// Receives a file chunk by chunk into a local temp file. Nothing reaches the store until
/// `finish`.
pub struct Upload {
    temp_path: PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    limit: u64,
    allowed: Vec<FileType>,
    head: Vec<u8>,
}

impl Upload {
    pub async fn start(
        data_dir: &Path,
        limit: u64,
        allowed: &[FileType],
    ) -> Result<Upload, UploadError> {
        let tmp_dir = data_dir.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir).await.map_err(io)?;
        let name =
            crate::applications::new_public_id().map_err(|e| UploadError::Io(e.to_string()))?;
        let temp_path = tmp_dir.join(format!("upload-{name}"));
        let file = tokio::fs::File::create(&temp_path).await.map_err(io)?;
        Ok(Upload {
            temp_path,
            file,
            hasher: Sha256::new(),
            size: 0,
            limit,
            allowed: allowed.to_vec(),
            head: Vec::new(),
        })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge { limit: self.limit });
        }
        if self.head.len() < 8 {
            self.head
                .extend_from_slice(&chunk[..chunk.len().min(8 - self.head.len())]);
            if self.head.len() >= 8 && !self.type_allowed() {
                return Err(UploadError::TypeNotAllowed);
            }
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await.map_err(io)
    }

    fn type_allowed(&self) -> bool {
        sniff(&self.head).is_some_and(|t| self.allowed.contains(&t))
    }

    /// Makes the file durable and moves it into the store; on failure nothing is left behind.
    pub async fn finish(mut self, files: &FileStore) -> Result<StoredFile, UploadError> {
        let result = self.store(files).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&self.temp_path).await;
        }
        result
    }

    async fn store(&mut self, files: &FileStore) -> Result<StoredFile, UploadError> {
        if self.size == 0 {
            return Err(UploadError::Empty);
        }
        let file_type = sniff(&self.head)
            .filter(|t| self.allowed.contains(t))
            .ok_or(UploadError::TypeNotAllowed)?;
        self.file.flush().await.map_err(io)?;
        self.file.sync_all().await.map_err(io)?;
        let sha256 = crate::hex::hex(&self.hasher.clone().finalize());
        files.put_file(&sha256, &self.temp_path).await.map_err(io)?;
        Ok(StoredFile {
            sha256,
            size: self.size,
            file_type,
        })
    }

    /// Drops a refused or interrupted upload's temp file.
    pub async fn abort(self) {
        drop(self.file);
        let _ = tokio::fs::remove_file(&self.temp_path).await;
    }
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub temp_files: usize,
    pub orphans: usize,
}

/// Removes what a process that died mid-way left behind: temp uploads (`tmp/upload-*`) and
/// stored files no attachment row refers to (a kill between the store and the row, or the
/// last row of a file deleted). Only files older than `grace` seconds are touched, so an
/// upload in flight — on this instance or, with shared storage, another — is never swept
/// from under its request.
pub async fn sweep(
    db: &crate::db::Db,
    files: &FileStore,
    data_dir: &Path,
    grace: u64,
) -> anyhow::Result<Swept> {
    use sqlx::Row;
    let mut swept = Swept::default();
    if let Ok(mut entries) = tokio::fs::read_dir(data_dir.join("tmp")).await {
        while let Some(entry) = entries.next_entry().await? {
            let is_upload = entry.file_name().to_string_lossy().starts_with("upload-");
            let age = entry
                .metadata()
                .await?
                .modified()?
                .elapsed()
                .unwrap_or_default();
            if is_upload && age.as_secs() >= grace {
                tokio::fs::remove_file(entry.path()).await?;
                swept.temp_files += 1;
            }
        }
    }
    // Listed before the rows are read: a file stored after this list is not looked at, and
    // one whose row is written meanwhile is in the rows.
    let stored = files.list().await?;
    let referenced: std::collections::HashSet<String> =
        sqlx::query("SELECT DISTINCT sha256 FROM attachments")
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("sha256"))
            .collect::<Result<_, _>>()?;
    for file in stored {
        if !referenced.contains(&file.sha256) && file.age_seconds >= grace {
            files.delete(&file.sha256).await?;
            swept.orphans += 1;
        }
    }
    Ok(swept)
}

fn io(e: std::io::Error) -> UploadError {
    UploadError::Io(e.to_string())
}

/// A file name as people gave it, reduced to its last path segment and a sane length.
pub fn clean_file_name(raw: Option<&str>) -> String {
    let name = raw
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() { "file".into() } else { name }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_upload_may_take_its_slots_limit_or_what_the_application_has_left() {
        let mb = 1024 * 1024;
        let free = super::Limit::for_slot(10, std::iter::empty());
        assert_eq!((free.bytes, free.application_bound), (10 * mb, false));
        let nearly_full =
            super::Limit::for_slot(10, [super::APPLICATION_LIMIT - 3 * mb].into_iter());
        assert_eq!(
            (nearly_full.bytes, nearly_full.application_bound),
            (3 * mb, true)
        );
        let over = super::Limit::for_slot(10, [super::APPLICATION_LIMIT, mb].into_iter());
        assert_eq!((over.bytes, over.application_bound), (0, true));
    }

    use super::*;

    #[test]
    fn types_are_sniffed_from_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(FileType::Png)
        );
        assert_eq!(sniff(b"MZ\x90\x00 executable"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(
            clean_file_name(Some("C:\\Users\\a\\диплом.pdf")),
            "диплом.pdf"
        );
        assert_eq!(clean_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_file_name(None), "file");
    }

    #[tokio::test]
    async fn an_upload_is_stored_by_its_hash_once_complete() {
        let dir = tempfile::tempdir().unwrap();
        let mut up = Upload::start(dir.path(), 1024, &[FileType::Pdf])
            .await
            .unwrap();
        up.write(b"%PDF-1.4 hello").await.unwrap();
        let files = FileStore::open(None, dir.path()).unwrap();
        let stored = up.finish(&files).await.unwrap();
        assert_eq!(stored.size, 14);
        let path = dir.path().join("attachments").join(&stored.sha256[..2]);
        assert_eq!(
            std::fs::read(path.join(&stored.sha256)).unwrap(),
            b"%PDF-1.4 hello"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0,
            "no temp file left"
        );
    }

    #[tokio::test]
    async fn refusals_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut up = Upload::start(dir.path(), 10, &[FileType::Pdf])
            .await
            .unwrap();
        assert_eq!(
            up.write(b"%PDF-1.4 more than ten").await,
            Err(UploadError::TooLarge { limit: 10 })
        );
        up.abort().await;
        let mut up = Upload::start(dir.path(), 1024, &[FileType::Pdf])
            .await
            .unwrap();
        assert_eq!(
            up.write(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
                .await,
            Err(UploadError::TypeNotAllowed)
        );
        up.abort().await;
        let up = Upload::start(dir.path(), 1024, &[FileType::Pdf])
            .await
            .unwrap();
        let files = FileStore::open(None, dir.path()).unwrap();
        assert_eq!(up.finish(&files).await, Err(UploadError::Empty));
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0,
            "no temp file left"
        );
        assert!(!dir.path().join("attachments").exists(), "nothing stored");
    }
}
