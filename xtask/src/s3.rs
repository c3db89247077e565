//! Real S3-compatible servers. `cargo xtask cluster` runs Garage (Deuxfleurs; what
//! self-hosting operators run), single-node. Garage takes 33 minutes to build on these 2
//! cores — more than CI's budget allows — so `cargo xtask test` uses s3s-fs (the s3s
//! project's file-system backed server), which speaks the same S3 API (SigV4, multipart
//! uploads, listing) after 6½ minutes of build.

use crate::cmd::{output, run, step};
use anyhow::Context;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub const S3S_FS_VERSION: &str = "0.14.1";
pub const ACCESS_KEY: &str = "qyzmet-test";
pub const SECRET_KEY: &str = "qyzmet-test-secret-key";
pub const REGION: &str = "us-east-1";
pub const GARAGE_VERSION: &str = "2.5.0";
/// Garage's access key id and secret for the cluster (its rules: ≥ 8 and ≥ 16 characters).
const GARAGE_KEY_ID: &str = "GKqyzmetcluster";
const GARAGE_SECRET: &str = "qyzmet-cluster-secret-key";
const GARAGE_REGION: &str = "garage";

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

/// Installs Garage from crates.io when it is not there (once; about 33 minutes here).
pub fn ensure_garage() -> anyhow::Result<()> {
    let have = output(Command::new("garage").arg("--version")).unwrap_or_default();
    if have.contains(GARAGE_VERSION) {
        return Ok(());
    }
    step(&format!(
        "installing Garage {GARAGE_VERSION} from crates.io (the cluster's S3 store; about 35 minutes on 2 cores, once)"
    ));
    run(Command::new("cargo").args(["install", "--locked", "garage", "--version", GARAGE_VERSION]))
}

/// A running S3 server over a folder under `target/`; stopped and removed on drop.
pub struct S3Server {
    child: Child,
    root: PathBuf,
    pub port: u16,
    access_key: &'static str,
    secret_key: &'static str,
    region: &'static str,
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
        let server = S3Server {
            child,
            root,
            port,
            access_key: ACCESS_KEY,
            secret_key: SECRET_KEY,
            region: REGION,
        };
        server.wait_listening("s3s-fs")
    }

    /// Starts a single-node Garage with one bucket, `bucket`, and one key allowed on it.
    pub fn start_garage(name: &str, bucket: &str) -> anyhow::Result<S3Server> {
        ensure_garage()?;
        let root = crate::root().join("target").join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)?;
        let free = || -> anyhow::Result<u16> {
            Ok(std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port())
        };
        let (port, rpc) = (free()?, free()?);
        let secret: String = (0..32)
            .map(|i| format!("{:02x}", (i * 37 + 11) % 256))
            .collect();
        let config = format!(
            "metadata_dir = \"{d}/meta\"\ndata_dir = \"{d}/data\"\nreplication_factor = 1\n\
             rpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_secret = \"{secret}\"\n\n[s3_api]\ns3_region = \"{GARAGE_REGION}\"\n\
             api_bind_addr = \"127.0.0.1:{port}\"\nroot_domain = \".s3.garage.localhost\"\n",
            d = root.display()
        );
        let conf = root.join("garage.toml");
        std::fs::write(&conf, config)?;
        // The file holds the cluster's RPC secret: Garage wants it private.
        std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        let child = Command::new("garage")
            .arg("-c")
            .arg(&conf)
            .args(["server", "--single-node", "--default-bucket"])
            .env("GARAGE_DEFAULT_ACCESS_KEY", GARAGE_KEY_ID)
            .env("GARAGE_DEFAULT_SECRET_KEY", GARAGE_SECRET)
            .env("GARAGE_DEFAULT_BUCKET", bucket)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(root.join("garage.log"))?)
            .spawn()
            .context("starting garage")?;
        let server = S3Server {
            child,
            root,
            port,
            access_key: GARAGE_KEY_ID,
            secret_key: GARAGE_SECRET,
            region: GARAGE_REGION,
        };
        server.wait_listening("garage")
    }

    fn wait_listening(self, what: &str) -> anyhow::Result<S3Server> {
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(self);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        anyhow::bail!("{what} did not start on port {}", self.port)
    }

    /// The `AWS_*` environment a server instance (or test) needs to reach it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.port),
            ),
            ("AWS_ACCESS_KEY_ID", self.access_key.into()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.into()),
            ("AWS_REGION", self.region.into()),
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
