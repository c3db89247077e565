//! `qyzmet-server`: the API under `/api/` and the built single-page app for every other path.

use clap::Parser;
use qyzmet_server::{Config, run};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Qyzmet: the state-services portal's server.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "QYZMET_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Data directory (database, attachments, certificates). Created when missing.
    #[arg(long, env = "QYZMET_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The built app (Trunk's `dist/`).
    #[arg(long, env = "QYZMET_DIST_DIR", default_value = qyzmet_server::DEFAULT_DIST_DIR)]
    dist_dir: PathBuf,
    /// The catalogue folder (`index.toml` and `services/*.toml`).
    #[arg(long, env = "QYZMET_CATALOGUE_DIR", default_value = qyzmet_server::DEFAULT_CATALOGUE_DIR)]
    catalogue_dir: PathBuf,
    /// Database URL (`sqlite:…` or `postgres:…`); default: SQLite in the data directory.
    #[arg(long, env = "QYZMET_DATABASE_URL")]
    database_url: Option<String>,
    /// Start without the demo registry and accounts.
    #[arg(long, env = "QYZMET_NO_DEMO")]
    no_demo: bool,
    /// OCSP responder to check signers' certificates with (NCA RK's: http://ocsp.pki.gov.kz/);
    /// default: the test PKI's own. When it cannot be reached, the CA's CRL decides.
    #[arg(long, env = "QYZMET_OCSP_URL")]
    ocsp_url: Option<String>,
    /// Time-stamp authority that stamps accepted signatures (NCA RK's: http://tsp.pki.gov.kz/);
    /// default: the test PKI's own.
    #[arg(long, env = "QYZMET_TSA_URL")]
    tsa_url: Option<String>,
    /// Object store for attachments: `s3://bucket[/prefix]`, endpoint and credentials from
    /// `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`;
    /// default: the folder `<data-dir>/attachments`.
    #[arg(long, env = "QYZMET_OBJECT_STORE")]
    object_store: Option<String>,
    /// A reverse proxy in front (repeat, or comma-separated in the variable): requests from it
    /// are counted by the client address it puts in `X-Forwarded-For`.
    #[arg(
        long = "trusted-proxy",
        env = "QYZMET_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let args = Args::parse();
    let config = Config {
        addr: args.addr,
        data_dir: args.data_dir,
        dist_dir: args.dist_dir,
        catalogue_dir: args.catalogue_dir,
        database_url: args.database_url,
        demo: !args.no_demo,
        ocsp_url: args.ocsp_url,
        tsa_url: args.tsa_url,
        object_store: args.object_store,
        trusted_proxies: args.trusted_proxies,
    };
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    run(config, listener).await
}
