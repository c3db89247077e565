//! `qyzmet-server`: the API under `/api/` and the built single-page app for every other path.

use clap::Parser;
use qyzmet_server::mode::{self, EpaySettings, MobizonSettings, PaymentsChoice};
use qyzmet_server::{Config, run};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Qyzmet: the state-services portal's server. Started plainly it runs in production mode
/// and refuses to start without its real settings; `--demo` runs the demo.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(
        global = true,
        long,
        env = "QYZMET_ADDR",
        default_value = "127.0.0.1:8080"
    )]
    addr: SocketAddr,
    /// Data directory (database, attachments, certificates). Created when missing.
    #[arg(global = true, long, env = "QYZMET_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The built app (Trunk's `dist/`).
    #[arg(global = true, long, env = "QYZMET_DIST_DIR", default_value = qyzmet_server::DEFAULT_DIST_DIR)]
    dist_dir: PathBuf,
    /// The catalogue folder (`index.toml` and `services/*.toml`).
    #[arg(global = true, long, env = "QYZMET_CATALOGUE_DIR", default_value = qyzmet_server::DEFAULT_CATALOGUE_DIR)]
    catalogue_dir: PathBuf,
    /// Database URL (`sqlite:…` or `postgres:…`); default: SQLite in the data directory.
    #[arg(global = true, long, env = "QYZMET_DATABASE_URL")]
    database_url: Option<String>,
    /// The demo: demo registry, accounts and EDS keys, the test PKI, and TEST doubles for the
    /// SMS provider and the payment gateway. Without it: production.
    #[arg(global = true, long, env = "QYZMET_DEMO")]
    demo: bool,
    /// The SMS provider one-time codes go through: `mobizon` (its key in
    /// QYZMET_MOBIZON_API_KEY).
    #[arg(global = true, long, env = "QYZMET_SMS_PROVIDER", value_parser = ["mobizon"])]
    sms_provider: Option<String>,
    /// Mobizon's API address.
    #[arg(
        long,
        env = "QYZMET_MOBIZON_API_URL",
        default_value = "https://api.mobizon.kz"
    )]
    mobizon_api_url: String,
    /// The sender name approved for the Mobizon account (its default when not given).
    #[arg(global = true, long, env = "QYZMET_SMS_SENDER")]
    sms_sender: Option<String>,
    /// Who takes fees: `epay` (Halyk Bank), `off` (no service here has a fee), or `test` (the
    /// demo's TEST gateway; the demo's default).
    #[arg(global = true, long, env = "QYZMET_PAYMENTS", value_parser = ["epay", "off", "test"])]
    payments: Option<String>,
    /// ePay's OAuth token endpoint.
    #[arg(global = true, long, env = "QYZMET_EPAY_OAUTH_URL")]
    epay_oauth_url: Option<String>,
    /// ePay's payment page script (`…/payform/payment-api.js`).
    #[arg(global = true, long, env = "QYZMET_EPAY_PAGE_SCRIPT")]
    epay_page_script: Option<String>,
    /// The merchant's ePay client id (the secret in QYZMET_EPAY_CLIENT_SECRET).
    #[arg(global = true, long, env = "QYZMET_EPAY_CLIENT_ID")]
    epay_client_id: Option<String>,
    /// The merchant's ePay terminal id.
    #[arg(global = true, long, env = "QYZMET_EPAY_TERMINAL")]
    epay_terminal: Option<String>,
    /// The portal's public address (`https://…`): where the acquirer's callbacks and the
    /// payer's return go.
    #[arg(global = true, long, env = "QYZMET_PUBLIC_URL")]
    public_url: Option<String>,
    /// The trust roots: `root-ca.cer`, `issuing-ca.cer`, `issuing-ca.crl` (RSA) and the same
    /// in `gost/` — NCA RK's, in production. Default (demo): the test PKI in the data folder.
    #[arg(global = true, long, env = "QYZMET_TRUST_DIR")]
    trust_dir: Option<PathBuf>,
    /// OCSP responder to check signers' certificates with (NCA RK's: http://ocsp.pki.gov.kz/);
    /// default: the test PKI's own. When it cannot be reached, the CA's CRL decides.
    #[arg(global = true, long, env = "QYZMET_OCSP_URL")]
    ocsp_url: Option<String>,
    /// Time-stamp authority that stamps accepted signatures (NCA RK's: http://tsp.pki.gov.kz/);
    /// default: the test PKI's own.
    #[arg(global = true, long, env = "QYZMET_TSA_URL")]
    tsa_url: Option<String>,
    /// Object store for attachments: `s3://bucket[/prefix]`, endpoint and credentials from
    /// `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`;
    /// default: the folder `<data-dir>/attachments`.
    #[arg(global = true, long, env = "QYZMET_OBJECT_STORE")]
    object_store: Option<String>,
    /// A reverse proxy in front (repeat, or comma-separated in the variable): requests from it
    /// are counted by the client address it puts in `X-Forwarded-For`.
    #[arg(
        global = true,
        long = "trusted-proxy",
        env = "QYZMET_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Prints what this configuration would run with (secrets masked) and what it lacks;
    /// exits non-zero when a start would be refused.
    CheckConfig,
}

impl Args {
    fn into_config(self) -> Config {
        let secret = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Config {
            addr: self.addr,
            data_dir: self.data_dir,
            dist_dir: self.dist_dir,
            catalogue_dir: self.catalogue_dir,
            database_url: self.database_url,
            demo: self.demo,
            ocsp_url: self.ocsp_url,
            tsa_url: self.tsa_url,
            object_store: self.object_store,
            trusted_proxies: self.trusted_proxies,
            sms: self.sms_provider.map(|_| MobizonSettings {
                api_url: self.mobizon_api_url,
                api_key: secret("QYZMET_MOBIZON_API_KEY"),
                sender: self.sms_sender,
            }),
            payments: self
                .payments
                .as_deref()
                .and_then(PaymentsChoice::parse)
                .unwrap_or_default(),
            epay: EpaySettings {
                oauth_url: self.epay_oauth_url,
                page_script_url: self.epay_page_script,
                client_id: self.epay_client_id,
                client_secret: secret("QYZMET_EPAY_CLIENT_SECRET"),
                terminal: self.epay_terminal,
            },
            public_url: self.public_url,
            trust_dir: self.trust_dir,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let mut args = Args::parse();
    let command = args.command.take();
    let config = args.into_config();
    if let Some(Command::CheckConfig) = command {
        print!("{}", mode::describe(&config));
        let missing = mode::missing(&config);
        if missing.is_empty() {
            println!("complete: a start with these settings runs");
            return Ok(());
        }
        println!("missing (a start would be refused):");
        for m in missing {
            println!("  - {m}");
        }
        std::process::exit(1);
    }
    // Refused before anything is opened or bound, in words an operator reads (no backtrace).
    if let Err(refusal) = mode::check(&config) {
        eprintln!("{refusal}");
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    run(config, listener).await
}
