//! The database: SQLite in WAL mode in the data directory by default, PostgreSQL when the URL
//! says so. One code path for both (sqlx's Any driver, `$n` placeholders); the schema comes
//! from migrations run at start, one folder per backend.

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Where it is: PostgreSQL's listener opens its own connection.
    pub url: String,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// A transaction that will write. On SQLite it takes the write lock at `BEGIN
    /// IMMEDIATE`: a deferred transaction that reads first and writes later cannot wait for
    /// another writer (SQLite answers "database is locked" at once instead of honouring the
    /// busy timeout), so two requests at the same moment would fail instead of queueing.
    pub async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// The embedded default: a SQLite file in the data directory.
pub fn default_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("qyzmet.db").display())
}

pub async fn connect(url: &str) -> anyhow::Result<Db> {
    install_default_drivers();
    let backend = if url.starts_with("sqlite:") {
        Backend::Sqlite
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Backend::Postgres
    } else {
        anyhow::bail!("unsupported database URL (sqlite: or postgres:): {url}");
    };
    let mut options =
        AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 8 } else { 16 });
    if backend == Backend::Sqlite {
        options = options.after_connect(|conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the writer; foreign keys are off by default in
                // SQLite; a busy writer makes others wait instead of failing at once.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 5000").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                Ok(())
            })
        });
    }
    let pool = options
        .connect(url)
        .await
        .with_context(|| format!("cannot open the database at {url}"))?;
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&pool)
        .await
        .context("running database migrations")?;
    Ok(Db {
        pool,
        backend,
        url: url.to_string(),
    })
}

/// Seconds since the Unix epoch: every stored time.
/// Today's date in Kazakhstan.
pub fn today() -> time::Date {
    qyzmet_domain::calendar::in_kazakhstan(time::OffsetDateTime::now_utc()).date()
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
pub mod tests {
    /// A fresh SQLite database in a folder of its own (kept while the folder lives), for the
    /// modules' own tests.
    pub async fn temporary() -> (tempfile::TempDir, super::Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = super::connect(&super::default_url(dir.path()))
            .await
            .unwrap();
        (dir, db)
    }
}
