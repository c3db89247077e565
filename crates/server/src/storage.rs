//! Where attachments' bytes live, content-addressed by SHA-256 (`ab/<sha256>`): a folder
//! (the embedded default, `<data-dir>/attachments`, or a volume every instance mounts) or
//! any S3-compatible object store (`--object-store s3://bucket[/prefix]`, endpoint and
//! credentials from the `AWS_*` environment: `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`).
//!
//! S3 goes through `object_store` (Apache Arrow's, what DataFusion and others ship on): one
//! trait for local and cloud stores, streaming GETs and multipart PUTs, on the reqwest and
//! rustls the server already builds — the AWS SDK would add its own HTTP stack for the same
//! four calls. The local folder keeps its own code: an atomic rename of the fsynced temp file
//! costs nothing, where a store's put copies.
//!
//! An upload is received into a local temp file first (size limit, type sniffing, hash), so
//! a refused or cut-off upload never reaches the store; the store only ever gets complete,
//! checked files, in parts of `PART` bytes (bounded memory whatever the file's size).

use anyhow::Context;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// The size of each part of a multipart upload (S3's minimum is 5 MiB).
const PART: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub enum FileStore {
    Folder(PathBuf),
    Objects {
        store: Arc<dyn ObjectStore>,
        prefix: ObjectPath,
        name: String,
    },
}

/// A stored file's key and its age, for the sweep.
pub struct Listed {
    pub sha256: String,
    pub age_seconds: u64,
}

impl FileStore {
    /// `s3://bucket[/prefix]` with `AWS_*` from the environment; `None`: the folder
    /// `<data-dir>/attachments`.
    pub fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<FileStore> {
        let Some(url) = url else {
            return Ok(FileStore::Folder(data_dir.join("attachments")));
        };
        let rest = url
            .strip_prefix("s3://")
            .with_context(|| format!("--object-store must be s3://bucket[/prefix], not {url}"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") {
            // A self-hosted server (Garage, s3s) on plain HTTP inside the operator's network.
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_endpoint(endpoint);
        }
        let store = builder.build().context("configuring the S3 object store")?;
        Ok(FileStore::Objects {
            store: Arc::new(store),
            prefix: ObjectPath::from(prefix),
            name: url.to_string(),
        })
    }

    /// Says where files go, for the start-up log.
    pub fn describe(&self) -> String {
        match self {
            FileStore::Folder(dir) => dir.display().to_string(),
            FileStore::Objects { name, .. } => name.clone(),
        }
    }

    fn key(prefix: &ObjectPath, sha256: &str) -> ObjectPath {
        let mut parts: Vec<String> = prefix.parts().map(|p| p.as_ref().to_string()).collect();
        parts.push(sha256[..2].to_string());
        parts.push(sha256.to_string());
        ObjectPath::from_iter(parts)
    }

    fn folder_path(dir: &Path, sha256: &str) -> PathBuf {
        dir.join(&sha256[..2]).join(sha256)
    }

    /// Moves the complete, fsynced file at `temp` into the store under its hash (the same
    /// bytes stored already: that copy is kept). `temp` is gone afterwards either way.
    pub async fn put_file(&self, sha256: &str, temp: &Path) -> std::io::Result<()> {
        let result = match self {
            FileStore::Folder(dir) => put_in_folder(&Self::folder_path(dir, sha256), temp).await,
            FileStore::Objects { store, prefix, .. } => {
                put_object(store.as_ref(), &Self::key(prefix, sha256), temp).await
            }
        };
        let _ = tokio::fs::remove_file(temp).await;
        result
    }

    /// The file's bytes as a stream.
    pub async fn read(
        &self,
        sha256: &str,
    ) -> std::io::Result<BoxStream<'static, std::io::Result<Bytes>>> {
        match self {
            FileStore::Folder(dir) => {
                let file = tokio::fs::File::open(Self::folder_path(dir, sha256)).await?;
                Ok(tokio_util::io::ReaderStream::new(file).boxed())
            }
            FileStore::Objects { store, prefix, .. } => {
                let got = store.get(&Self::key(prefix, sha256)).await.map_err(io)?;
                Ok(got.into_stream().map_err(io).boxed())
            }
        }
    }

    pub async fn exists(&self, sha256: &str) -> bool {
        match self {
            FileStore::Folder(dir) => Self::folder_path(dir, sha256).exists(),
            FileStore::Objects { store, prefix, .. } => {
                store.head(&Self::key(prefix, sha256)).await.is_ok()
            }
        }
    }

    pub async fn delete(&self, sha256: &str) -> std::io::Result<()> {
        match self {
            FileStore::Folder(dir) => tokio::fs::remove_file(Self::folder_path(dir, sha256)).await,
            FileStore::Objects { store, prefix, .. } => {
                store.delete(&Self::key(prefix, sha256)).await.map_err(io)
            }
        }
    }

    /// Every stored file, with its age.
    pub async fn list(&self) -> anyhow::Result<Vec<Listed>> {
        let mut listed = Vec::new();
        match self {
            FileStore::Folder(dir) => {
                let Ok(mut shards) = tokio::fs::read_dir(dir).await else {
                    return Ok(listed);
                };
                while let Some(shard) = shards.next_entry().await? {
                    if !shard.file_type().await?.is_dir() {
                        continue;
                    }
                    let mut files = tokio::fs::read_dir(shard.path()).await?;
                    while let Some(file) = files.next_entry().await? {
                        let age = file
                            .metadata()
                            .await?
                            .modified()?
                            .elapsed()
                            .unwrap_or_default();
                        listed.push(Listed {
                            sha256: file.file_name().to_string_lossy().into_owned(),
                            age_seconds: age.as_secs(),
                        });
                    }
                }
            }
            FileStore::Objects { store, prefix, .. } => {
                let mut objects = store.list(Some(prefix));
                let now = chrono_now();
                while let Some(meta) = objects.next().await {
                    let meta = meta?;
                    let Some(name) = meta.location.filename() else {
                        continue;
                    };
                    listed.push(Listed {
                        sha256: name.to_string(),
                        age_seconds: (now - meta.last_modified.timestamp()).max(0) as u64,
                    });
                }
            }
        }
        Ok(listed)
    }

    /// Whether the store takes a write now (`/api/health`).
    pub async fn ready(&self, scratch: &Path) -> bool {
        match self {
            FileStore::Folder(dir) => {
                let probe = dir.join(format!(".health-{}", std::process::id()));
                tokio::fs::create_dir_all(dir).await.is_ok()
                    && tokio::fs::write(&probe, b"ok").await.is_ok()
                    && tokio::fs::remove_file(&probe).await.is_ok()
                    && scratch_ready(scratch).await
            }
            FileStore::Objects { store, prefix, .. } => {
                let mut parts: Vec<String> =
                    prefix.parts().map(|p| p.as_ref().to_string()).collect();
                parts.push(format!(".health-{}", std::process::id()));
                let probe = ObjectPath::from_iter(parts);
                store
                    .put(&probe, Bytes::from_static(b"ok").into())
                    .await
                    .is_ok()
                    && store.delete(&probe).await.is_ok()
                    && scratch_ready(scratch).await
            }
        }
    }
}

/// Uploads land in a local temp folder first: it must take a write too.
async fn scratch_ready(scratch: &Path) -> bool {
    let probe = scratch.join(format!(".health-{}", std::process::id()));
    tokio::fs::create_dir_all(scratch).await.is_ok()
        && tokio::fs::write(&probe, b"ok").await.is_ok()
        && tokio::fs::remove_file(&probe).await.is_ok()
}

fn chrono_now() -> i64 {
    crate::db::now()
}

async fn put_in_folder(target: &Path, temp: &Path) -> std::io::Result<()> {
    let dir = target.parent().expect("content paths have a parent");
    tokio::fs::create_dir_all(dir).await?;
    if tokio::fs::try_exists(target).await? {
        return Ok(());
    }
    tokio::fs::rename(temp, target).await?;
    // The rename itself made durable.
    if let Ok(d) = tokio::fs::File::open(dir).await {
        let _ = d.sync_all().await;
    }
    Ok(())
}

async fn put_object(store: &dyn ObjectStore, key: &ObjectPath, temp: &Path) -> std::io::Result<()> {
    if store.head(key).await.is_ok() {
        return Ok(());
    }
    let mut file = tokio::fs::File::open(temp).await?;
    let mut upload = object_store::WriteMultipart::new_with_chunk_size(
        store.put_multipart(key).await.map_err(io)?,
        PART,
    );
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = match file.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let _ = upload.abort().await;
                return Err(e);
            }
        };
        // At most two parts in flight: memory stays bounded whatever the file's size.
        if let Err(e) = upload.wait_for_capacity(2).await {
            return Err(io(e));
        }
        upload.write(&buffer[..n]);
    }
    upload.finish().await.map_err(io)?;
    Ok(())
}

fn io(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, e)
        }
        e => std::io::Error::other(e),
    }
}
