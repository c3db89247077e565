//! The server as a library, so tests start it in-process on a free port.

pub mod access;
pub mod accounts;
pub mod applications;
pub mod attachments;
pub mod catalogue;
pub mod catalogue_answers;
pub mod challenges;
pub mod counter;
pub mod db;
pub mod demo;
pub mod document_codes;
pub mod hex;
pub mod http;
pub mod lifecycle;
pub mod locales;
pub mod mobile_sign;
pub mod mode;
pub mod notifications;
pub mod officers;
pub mod payments;
pub mod pki;
pub mod readiness;
pub mod receipt;
pub mod registry;
pub mod requests;
pub mod revocation;
pub mod sessions;
pub mod sheets;
pub mod signatures;
pub mod signing;
pub mod sms;
pub mod staff;
pub mod storage;
pub mod test_doubles;
pub mod throttle;
pub mod verification;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the built app is, relative to the repository (overridable by flag/env).
pub const DEFAULT_DIST_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../dist");
/// Where the catalogue is, relative to the repository (overridable by flag/env).
pub const DEFAULT_CATALOGUE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalogue");

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub dist_dir: PathBuf,
    pub catalogue_dir: PathBuf,
    /// `sqlite:…` or `postgres:…`; `None`: SQLite in the data directory.
    pub database_url: Option<String>,
    /// The demo (`--demo`): demo registry, accounts and keys, the test PKI and the TEST
    /// doubles. Otherwise production, which has none of them (`mode`).
    pub demo: bool,
    /// Where signers' certificates are checked by OCSP: `None` asks the test PKI's own
    /// responder (in-process); NCA RK's is `http://ocsp.pki.gov.kz/`.
    pub ocsp_url: Option<String>,
    /// The time-stamp authority (RFC 3161) signatures are stamped by: `None` is the test
    /// PKI's own (in-process); NCA RK's is `http://tsp.pki.gov.kz/`.
    pub tsa_url: Option<String>,
    /// Where attachments are stored: `s3://bucket[/prefix]` (credentials and endpoint from
    /// `AWS_*`), or `None`: `<data-dir>/attachments`.
    pub object_store: Option<String>,
    /// Reverse proxies in front of this instance (nginx): for requests from them the client's
    /// address is read from `X-Forwarded-For` (`http::extract::ClientAddress`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The SMS provider (Mobizon); `None`: the TEST outbox in the demo, a refusal to start
    /// in production.
    pub sms: Option<mode::MobizonSettings>,
    /// Who takes fees.
    pub payments: mode::PaymentsChoice,
    /// Halyk ePay's settings, for `payments: Epay`.
    pub epay: mode::EpaySettings,
    /// The portal's public address (`https://qyzmet.example.kz`): where an acquirer's
    /// callbacks and the payer's return go.
    pub public_url: Option<String>,
    /// The trust roots (CA certificates and CRLs) from files; `None`: the demo's test PKI.
    pub trust_dir: Option<PathBuf>,
}

/// What every request handler can reach.
pub struct AppState {
    pub catalogue: qyzmet_domain::catalogue::Catalogue,
    pub db: db::Db,
    /// The test PKI: what EDS signatures are verified against.
    pub pki: pki::Pki,
    /// Where attachments' bytes are (a folder or an S3 bucket).
    pub files: storage::FileStore,
    /// Committed status changes for the live `/api/events` streams.
    pub events: notifications::Events,
    /// Where one-time codes are sent: the SMS provider, or the TEST outbox in the demo.
    pub sms: Arc<dyn sms::SmsGateway>,
    /// Where fees are paid: an acquirer, the TEST gateway in the demo, or none.
    pub payments: payments::Gateway,
    /// Cancelled when the server begins to shut down: event streams end, so the graceful
    /// shutdown does not wait forever on them.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// The built app's `index.html`, which every page is rendered into (none when the app is
    /// not built).
    pub page_template: Option<http::Template>,
    /// `GET /api/services` in each language, serialised and compressed once.
    pub catalogue_answers: catalogue_answers::CatalogueAnswers,
    /// The headers every answer carries (its content security policy made from the built
    /// app's files).
    pub every_answers_headers: http::EveryAnswersHeaders,
    pub config: Config,
}

impl AppState {
    /// Where every status change goes (see `lifecycle`).
    pub fn lifecycle(&self) -> lifecycle::Lifecycle<'_> {
        lifecycle::Lifecycle::new(&self.db, &self.events, &self.catalogue)
    }
}

/// Loads everything, then serves until Ctrl-C / SIGTERM.
pub async fn run(config: Config, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    mode::check(&config)?;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    let catalogue = catalogue::load_dir(&config.catalogue_dir)?;
    tracing::info!(services = catalogue.services.len(), "catalogue loaded");
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(dist = %config.dist_dir.display(), "no built app here: only the API is served (run `cargo xtask serve`)");
    }
    let url = config
        .database_url
        .clone()
        .unwrap_or_else(|| db::default_url(&config.data_dir));
    let db = db::connect(&url).await?;
    if config.demo && demo::seed_if_empty(&db).await? {
        tracing::info!("demo data seeded");
    }
    let pki = open_pki(&config).await?;
    if config.demo {
        print_demo_logins();
        print_demo_keys(&pki);
    }
    let files = open_store(&config, &db).await?;
    let sms = sms_gateway(&config, &db)?;
    let payments = payments::Gateway::from_config(&config)?;
    for line in mode::describe(&config).lines() {
        tracing::info!("{line}");
    }
    let events = notifications::Events::new(db.backend);
    let shutdown = tokio_util::sync::CancellationToken::new();
    if db.backend == db::Backend::Postgres {
        notifications::relay_postgres(db.clone(), events.clone(), shutdown.clone());
    }
    let catalogue_answers =
        catalogue_answers::CatalogueAnswers::new(|lang| catalogue::list(&catalogue, lang))?;
    let state = Arc::new(AppState {
        catalogue_answers,
        catalogue,
        sms,
        payments,
        db,
        pki,
        files,
        events,
        shutdown,
        page_template: http::Template::read(&config.dist_dir),
        every_answers_headers: http::EveryAnswersHeaders::new(&config.dist_dir),
        config,
    });
    let shutdown = state.shutdown.clone();
    let app = http::CatalogueFirst {
        inner: http::router(state.clone()),
        state,
    };
    // Tests and `cargo xtask serve` wait for this line: everything is loaded by now.
    println!(
        "qyzmet-server listening on http://{}",
        listener.local_addr()?
    );
    // Answers go out as they are written (no Nagle): an answer written in parts (headers,
    // then a body, a stream's events) would otherwise wait for the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            SocketAddr,
        >(app),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        shutdown.cancel();
    })
    .await?;
    Ok(())
}

/// The trust roots: NCA RK's from files in production, the TEST CA's in the demo (made on
/// first start).
async fn open_pki(config: &Config) -> anyhow::Result<pki::Pki> {
    match config.trust_dir.clone() {
        Some(dir) => pki::Pki::open_trust(&dir),
        None => {
            let pki_dir = config.data_dir.clone();
            tokio::task::spawn_blocking(move || {
                test_doubles::test_ca::open_or_create(&pki_dir, db::now())
            })
            .await?
        }
    }
}

/// The attachment store, proven writable, with what a killed process left swept away (and
/// an hourly sweep started).
async fn open_store(config: &Config, db: &db::Db) -> anyhow::Result<storage::FileStore> {
    let files = storage::FileStore::open(config.object_store.as_deref(), &config.data_dir)?;
    // A store that cannot be written (no credentials, no bucket) is found now, not at the
    // first upload.
    anyhow::ensure!(
        files.ready(&config.data_dir.join("tmp")).await,
        "the attachment store {} does not take a write (for S3: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and the bucket)",
        files.describe()
    );
    tracing::info!(store = %files.describe(), "attachments stored");
    // What a killed process left behind goes before anything new arrives; then hourly,
    // sparing files younger than an hour (uploads in flight). With one process (SQLite)
    // nothing is in flight at start; instances that share a database and a store spare what
    // another may be writing now.
    let grace = if db.backend == db::Backend::Sqlite {
        0
    } else {
        60 * 60
    };
    match attachments::sweep(db, &files, &config.data_dir, grace).await {
        Ok(s) if s != attachments::Swept::default() => {
            tracing::info!(
                temp_files = s.temp_files,
                orphans = s.orphans,
                "swept leftovers"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("sweeping leftovers failed: {e:#}"),
    }
    spawn_hourly_sweep(db.clone(), files.clone(), config.data_dir.clone());
    Ok(files)
}

/// Where one-time codes go: the SMS provider, or (demo) the TEST outbox.
fn sms_gateway(config: &Config, db: &db::Db) -> anyhow::Result<Arc<dyn sms::SmsGateway>> {
    Ok(match &config.sms {
        Some(m) => Arc::new(sms::mobizon::Mobizon::new(
            &m.api_url,
            m.api_key.as_deref().unwrap_or_default(),
            m.sender.as_deref(),
        )?),
        None => {
            println!(
                "TEST SMS gateway: one-time codes are not sent by SMS; read them at /test-sms-outbox"
            );
            Arc::new(test_doubles::sms_outbox::TestOutbox { db: db.clone() })
        }
    })
}

/// How to log in to the demo: printed at every start (`cargo xtask serve` shows it).
fn print_demo_logins() {
    println!("Demo accounts (IIN/BIN and password):");
    for a in demo::accounts() {
        let role = match (&a.role, &a.provider) {
            (_, Some(p)) => {
                let roles: Vec<_> = a.roles.iter().map(|r| r.code()).collect();
                format!("{} of {p}", roles.join(" + "))
            }
            (r, None) => accounts::role_code(*r).to_string(),
        };
        println!("  {:<13} {:<20} {role}", a.login, a.password);
    }
}

/// Where the demo EDS keys are: printed at every start, beside the logins.
fn print_demo_keys(pki: &pki::Pki) {
    println!(
        "Demo EDS keys (.p12, password {}):",
        test_doubles::test_ca::DEMO_PASSWORD
    );
    for k in test_doubles::test_ca::key_files(pki) {
        println!("  {}  {}", k.path.display(), k.what);
    }
}

fn spawn_hourly_sweep(db: db::Db, files: storage::FileStore, data_dir: PathBuf) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = attachments::sweep(&db, &files, &data_dir, 60 * 60).await {
                tracing::warn!("sweeping leftovers failed: {e:#}");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
