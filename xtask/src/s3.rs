//! A real S3-compatible server for the tests, the bench and the cluster: Garage (Deuxfleurs;
//! what self-hosting operators run), single-node, from crates.io. Its release build took
//! 9 min 44 s on these 2 cores (the shared notes had measured 33 min on a busier machine),
//! which fits CI's budget; s3s-fs, tried first, builds in 6½ min but is not what operators
//! run.

use crate::cmd::{output, run, step};
use anyhow::Context;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub const GARAGE_VERSION: &str = "2.5.0";
/// The one access key (id and secret; Garage's rules: ≥ 8 and ≥ 16 characters) and region.
const GARAGE_KEY_ID: &str = "GKqyzmetlocal";
const GARAGE_SECRET: &str = "qyzmet-local-secret-key";
const GARAGE_REGION: &str = "garage";

/// Installs Garage from crates.io when it is not there (once; about 10 minutes here).
pub fn ensure_garage() -> anyhow::Result<()> {
    let have = output(Command::new("garage").arg("--version")).unwrap_or_default();
    if have.contains(GARAGE_VERSION) {
        return Ok(());
    }
    step(&format!(
        "installing Garage {GARAGE_VERSION} from crates.io (the S3 store; about 10 minutes on 2 cores, once)"
    ));
    run(Command::new("cargo").args(["install", "--locked", "garage", "--version", GARAGE_VERSION]))
}

/// A running Garage over a folder under `target/`; stopped and removed on drop.
pub struct S3Server {
    child: Child,
    root: PathBuf,
    pub port: u16,
}

impl S3Server {
    /// Starts a single-node Garage with one bucket, `bucket`, and one key allowed on it.
    pub fn start(name: &str, bucket: &str) -> anyhow::Result<S3Server> {
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
        let server = S3Server { child, root, port };
        server.wait_listening()
    }

    fn wait_listening(self) -> anyhow::Result<S3Server> {
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(self);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        anyhow::bail!("garage did not start on port {}", self.port)
    }

    /// The `AWS_*` environment a server instance (or test) needs to reach it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.port),
            ),
            ("AWS_ACCESS_KEY_ID", GARAGE_KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY", GARAGE_SECRET.into()),
            ("AWS_REGION", GARAGE_REGION.into()),
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
