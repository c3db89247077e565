//! TEST: the payment gateway the demo pays fees through. It takes the payer's word: "pay" on
//! its page marks the fee paid, and no money moves. Its routes
//! (`/api/test-payment-gateway/…`) and page exist in the demo only.

use crate::db::{Db, now};

/// The TEST gateway confirms a payment of the given payer; whether it was theirs and pending.
pub async fn confirm(db: &Db, account_id: i64, payment_public_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE payments SET status = 'paid', paid_at = $1 WHERE public_id = $2 AND account_id = $3 AND status = 'pending'")
        .bind(now())
        .bind(payment_public_id.to_string())
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
