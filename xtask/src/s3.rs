//! A real S3-compatible server for the tests and the cluster: s3s-fs from crates.io (the
//! s3s project's file-system backed server). Garage, what self-hosting operators run, took
//! 33 minutes to build on these 2 cores — more than CI's budget allows — so CI uses s3s-fs,
//! which speaks the same S3 API (SigV4, multipart uploads, listing) in 6½ minutes of build.

use crate::cmd::{output, run, step};
use anyhow::Context;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub const S3S_FS_VERSION: &str = "0.14.1";
pub const ACCESS_KEY: &str = "qyzmet-test";
pub const SECRET_KEY: &str = "qyzmet-test-secret-key";
pub const REGION: &str = "us-east-1";

pub fn ensure_installed() -> anyhow::Result<()> {
    let have = output(Command::new("s3s-fs").arg("--version")).unwrap_or_default();
    if have.trim() == format!("s3s-fs {S3S_FS_VERSION}") {
        return Ok(());
    }
    step(&format!(
        "installing s3s-fs {S3S_FS_VERSION} from crates.io (an S3 server; about 7 minutes, once)"
    ));
    run(Command::new("cargo").args([
        "install",
        "--locked",
        "s3s-fs",
        "--version",
        S3S_FS_VERSION,
        "--features",
        "binary",
    ]))
}

/// A running S3 server over a folder under `target/`; stopped and removed on drop.
pub struct S3Server {
    child: Child,
    root: PathBuf,
    pub port: u16,
}

impl S3Server {
    /// Starts it with one bucket, `bucket`.
    pub fn start(name: &str, bucket: &str) -> anyhow::Result<S3Server> {
        ensure_installed()?;
        let root = crate::root().join("target").join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join(bucket))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("s3s-fs")
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting s3s-fs")?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(S3Server { child, root, port });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        anyhow::bail!("s3s-fs did not start on port {port}")
    }

    /// The `AWS_*` environment a server instance (or test) needs to reach it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.port),
            ),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
            ("AWS_REGION", REGION.into()),
        ]
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
