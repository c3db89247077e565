//! Whether this instance can serve now, for `/api/health` (what a load balancer asks): the
//! database answers a query, and the file storage takes a write — each within two seconds.

use crate::AppState;
use std::time::Duration;

const WITHIN: Duration = Duration::from_secs(2);

/// `(database ready, storage ready)`.
pub async fn check(state: &AppState) -> (bool, bool) {
    let database = async {
        sqlx::query("SELECT 1 AS up")
            .fetch_one(&state.db.pool)
            .await
            .is_ok()
    };
    let storage = async {
        // A small file written and removed where uploads first land.
        let dir = state.config.data_dir.join("tmp");
        let probe = dir.join(format!(".health-{}", std::process::id()));
        tokio::fs::create_dir_all(&dir).await.is_ok()
            && tokio::fs::write(&probe, b"ok").await.is_ok()
            && tokio::fs::remove_file(&probe).await.is_ok()
    };
    let (database, storage) = tokio::join!(
        tokio::time::timeout(WITHIN, database),
        tokio::time::timeout(WITHIN, storage)
    );
    (database.unwrap_or(false), storage.unwrap_or(false))
}
