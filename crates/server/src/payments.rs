//! Fee payments through the built-in TEST payment gateway, standing in for the e-government
//! payment gateway of 003: an application whose variant has a fee paid before signing gets
//! one payment; the gateway confirms it; submission checks it (and is refused without it).
//! Nothing here moves real money: the gateway's endpoints say "test" in their path.

use crate::applications::{new_public_id, rfc3339};
use crate::db::{Db, now};
use qyzmet_domain::api::{PaymentStatus, PaymentView};
use sqlx::Row;
use sqlx::any::AnyRow;

fn view(r: &AnyRow, application_public_id: &str) -> sqlx::Result<PaymentView> {
    let id: String = r.try_get("public_id")?;
    let status: String = r.try_get("status")?;
    Ok(PaymentView {
        gateway_url: format!("/api/test-payment-gateway/payments/{id}"),
        id,
        application_id: application_public_id.to_string(),
        amount_tenge: r.try_get::<i64, _>("amount_tenge")? as u64,
        status: if status == "paid" {
            PaymentStatus::Paid
        } else {
            PaymentStatus::Pending
        },
        paid_at: r.try_get::<Option<i64>, _>("paid_at")?.map(rfc3339),
    })
}

/// The application's payment, if one was started.
pub async fn of_application(
    db: &Db,
    application_id: i64,
    application_public_id: &str,
) -> sqlx::Result<Option<PaymentView>> {
    let row = sqlx::query(
        "SELECT public_id, amount_tenge, status, paid_at FROM payments WHERE application_id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| view(&r, application_public_id)).transpose()
}

/// Starts the application's payment, or returns the one already started (a retried click
/// never creates a second payment).
pub async fn start(
    db: &Db,
    account_id: i64,
    application_id: i64,
    application_public_id: &str,
    amount_tenge: u64,
) -> anyhow::Result<PaymentView> {
    if let Some(existing) = of_application(db, application_id, application_public_id).await? {
        return Ok(existing);
    }
    let inserted = sqlx::query(
        "INSERT INTO payments (public_id, application_id, account_id, amount_tenge, status, created_at) VALUES ($1, $2, $3, $4, 'pending', $5)",
    )
    .bind(new_public_id()?)
    .bind(application_id)
    .bind(account_id)
    .bind(amount_tenge as i64)
    .bind(now())
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => {}
        // Two clicks raced: the unique application_id kept one; return it.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
        Err(e) => return Err(e.into()),
    }
    of_application(db, application_id, application_public_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the payment vanished"))
}

/// The test gateway confirms a payment of the given payer. `None`: no such payment of theirs.
pub async fn confirm(
    db: &Db,
    account_id: i64,
    payment_public_id: &str,
) -> sqlx::Result<Option<PaymentView>> {
    sqlx::query("UPDATE payments SET status = 'paid', paid_at = $1 WHERE public_id = $2 AND account_id = $3 AND status = 'pending'")
        .bind(now())
        .bind(payment_public_id.to_string())
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    find(db, account_id, payment_public_id).await
}

/// A payer's payment by its id, as the gateway shows it.
pub async fn find(
    db: &Db,
    account_id: i64,
    payment_public_id: &str,
) -> sqlx::Result<Option<PaymentView>> {
    let row = sqlx::query(
        "SELECT p.public_id, p.amount_tenge, p.status, p.paid_at, a.public_id AS application FROM payments p \
         JOIN applications a ON a.id = p.application_id WHERE p.public_id = $1 AND p.account_id = $2",
    )
    .bind(payment_public_id.to_string())
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let application: String = r.try_get("application")?;
        view(&r, &application)
    })
    .transpose()
}

/// Whether the application may be signed as far as the fee goes.
pub async fn is_paid(db: &Db, application_id: i64) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT status FROM payments WHERE application_id = $1")
        .bind(application_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<String, _>("status")? == "paid",
        None => false,
    })
}

/// The fee in tenge when the variant's fee is paid before signing (003), else `None`.
pub fn fee_before_signing(
    catalogue: &qyzmet_domain::catalogue::Catalogue,
    service_id: &str,
    variant_id: &str,
) -> Option<u64> {
    let variant = catalogue.service(service_id)?.variant(variant_id)?;
    let fee = variant.fee.as_ref().filter(|f| f.due_before_signing())?;
    Some(qyzmet_domain::api::FeeView::new(fee, catalogue.fee_index.tenge).tenge)
}
