//! Whether this instance can serve now, for `/api/health` (what a load balancer asks): the
//! database answers a query, and the file storage (the store and the local upload folder)
//! takes a write — each within two seconds.

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
    // Uploads land in `<data-dir>/tmp` first, then go to the store: both must take a write.
    let scratch = state.config.data_dir.join("tmp");
    let storage = state.files.ready(&scratch);
    let (database, storage) = tokio::join!(
        tokio::time::timeout(WITHIN, database),
        tokio::time::timeout(WITHIN, storage)
    );
    (database.unwrap_or(false), storage.unwrap_or(false))
}
