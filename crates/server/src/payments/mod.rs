//! Fee payments (003: the fee is paid through the payment gateway before signing): an
//! application whose variant has a fee gets one payment; the gateway confirms it; submission
//! checks it (and is refused without it). Who confirms is the `Gateway`: a real acquirer
//! (`epay`, Halyk Bank's ePay: only its authenticated server-to-server callback marks a fee
//! paid), the demo's TEST gateway (`crate::test_doubles::payment_gateway`), or none.

pub mod epay;

use crate::applications::{new_public_id, rfc3339};
use crate::db::{Db, now};
use qyzmet_domain::api::{PaymentStatus, PaymentView};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Who takes the fees of this start.
pub enum Gateway {
    /// TEST: the demo's gateway that moves no money.
    Test,
    /// No fees are taken here (`--payments off`).
    Off,
    Epay(epay::Epay),
}

impl Gateway {
    pub fn from_config(config: &crate::Config) -> anyhow::Result<Gateway> {
        use crate::mode::PaymentsChoice;
        Ok(match config.payments {
            PaymentsChoice::Epay => Gateway::Epay(epay::Epay::new(config)?),
            PaymentsChoice::Off => Gateway::Off,
            PaymentsChoice::Test | PaymentsChoice::Unset if config.demo => Gateway::Test,
            // `mode::check` stops such a start before this.
            PaymentsChoice::Test | PaymentsChoice::Unset => Gateway::Off,
        })
    }

    pub fn is_test(&self) -> bool {
        matches!(self, Gateway::Test)
    }

    /// Where the payer goes to pay payment `id`.
    fn page(&self, id: &str) -> String {
        match self {
            Gateway::Epay(_) => format!("/payments/{id}/epay"),
            _ => qyzmet_domain::route::api::test_payment(id),
        }
    }
}

fn view(gateway: &Gateway, r: &AnyRow, application_public_id: &str) -> sqlx::Result<PaymentView> {
    let id: String = r.try_get("public_id")?;
    let status: String = r.try_get("status")?;
    Ok(PaymentView {
        gateway_url: gateway.page(&id),
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
    gateway: &Gateway,
    application_id: i64,
    application_public_id: &str,
) -> sqlx::Result<Option<PaymentView>> {
    let row = sqlx::query(
        "SELECT public_id, amount_tenge, status, paid_at FROM payments WHERE application_id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| view(gateway, &r, application_public_id))
        .transpose()
}

/// Starts the application's payment, or returns the one already started (a retried click
/// never creates a second payment).
pub async fn start(
    db: &Db,
    gateway: &Gateway,
    account_id: i64,
    application_id: i64,
    application_public_id: &str,
    amount_tenge: u64,
) -> anyhow::Result<PaymentView> {
    if let Some(existing) =
        of_application(db, gateway, application_id, application_public_id).await?
    {
        return Ok(existing);
    }
    // The acquirer's order number: digits, unique (ePay takes 6-15, the last six unique too).
    let invoice = epay::invoice_number(application_id);
    let inserted = sqlx::query(
        "INSERT INTO payments (public_id, application_id, account_id, amount_tenge, status, created_at, invoice_id) VALUES ($1, $2, $3, $4, 'pending', $5, $6)",
    )
    .bind(new_public_id()?)
    .bind(application_id)
    .bind(account_id)
    .bind(amount_tenge as i64)
    .bind(now())
    .bind(invoice)
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => {}
        // Two clicks raced: the unique application_id kept one; return it.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
        Err(e) => return Err(e.into()),
    }
    of_application(db, gateway, application_id, application_public_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the payment vanished"))
}

/// A payer's payment by its id, as the gateway shows it.
pub async fn find(
    db: &Db,
    gateway: &Gateway,
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
        view(gateway, &r, &application)
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

/// A payer's pending payment with what the acquirer needs: its invoice and amount.
pub struct Payable {
    pub invoice_id: String,
    pub amount_tenge: u64,
    pub application_public_id: String,
}

/// Payment `payment_public_id` of `account_id`, if it is theirs and still to be paid.
pub async fn payable(
    db: &Db,
    account_id: i64,
    payment_public_id: &str,
) -> sqlx::Result<Option<Payable>> {
    let row = sqlx::query(
        "SELECT p.invoice_id, p.amount_tenge, a.public_id AS application FROM payments p \
         JOIN applications a ON a.id = p.application_id \
         WHERE p.public_id = $1 AND p.account_id = $2 AND p.status = 'pending'",
    )
    .bind(payment_public_id.to_string())
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Payable {
            invoice_id: r
                .try_get::<Option<String>, _>("invoice_id")?
                .unwrap_or_default(),
            amount_tenge: r.try_get::<i64, _>("amount_tenge")? as u64,
            application_public_id: r.try_get("application")?,
        })
    })
    .transpose()
}
