//! The server as a library, so tests start it in-process on a free port.

pub mod catalogue;
pub mod http;
pub mod locales;

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
}

/// What every request handler can reach.
pub struct AppState {
    pub catalogue: qyzmet_domain::catalogue::Catalogue,
    pub config: Config,
}

/// Loads everything, then serves until Ctrl-C / SIGTERM.
pub async fn run(config: Config, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
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
    let state = Arc::new(AppState { catalogue, config });
    let app = http::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
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
