//! The provider's staff and the roles each holds there — office clerk, head, executor — as
//! the regulations' steps name them (`qyzmet_domain::process::Performer`). A step is made
//! only by someone holding its role at the request's provider; the lifecycle asks here.

use crate::db::Db;
use qyzmet_domain::api::StaffView;
use qyzmet_domain::process::{Performer, Staff};
use sqlx::Row;

/// A member of staff acting at their provider: their account and their roles there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub account_id: i64,
    pub roles: Vec<Performer>,
}

impl StaffMember {
    /// As the process's rules see them.
    pub fn as_staff(&self) -> Staff<'_> {
        Staff {
            account_id: self.account_id,
            roles: &self.roles,
        }
    }

    /// The roles as stored beside what they did (`office,executor`).
    pub fn roles_code(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The roles `account_id` holds at `provider_id`, in the process's order.
pub async fn roles(db: &Db, account_id: i64, provider_id: &str) -> sqlx::Result<Vec<Performer>> {
    let rows =
        sqlx::query("SELECT role FROM staff_roles WHERE account_id = $1 AND provider_id = $2")
            .bind(account_id)
            .bind(provider_id.to_string())
            .fetch_all(&db.pool)
            .await?;
    let held: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("role"))
        .collect::<sqlx::Result<_>>()?;
    Ok(Performer::ALL
        .iter()
        .copied()
        .filter(|p| held.iter().any(|h| h == p.code()))
        .collect())
}

/// The member of staff `account_id` at `provider_id`.
pub async fn member(db: &Db, account_id: i64, provider_id: &str) -> sqlx::Result<StaffMember> {
    Ok(StaffMember {
        account_id,
        roles: roles(db, account_id, provider_id).await?,
    })
}

/// Everyone holding a role at `provider_id`, by name, with their roles.
pub async fn of_provider(db: &Db, provider_id: &str) -> sqlx::Result<Vec<StaffView>> {
    let rows = sqlx::query(
        "SELECT a.id, a.display_name, s.role FROM staff_roles s JOIN accounts a ON a.id = s.account_id \
         WHERE s.provider_id = $1 ORDER BY a.display_name, a.id",
    )
    .bind(provider_id.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<StaffView> = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let role: String = r.try_get("role")?;
        let Some(role) = Performer::from_code(&role) else {
            continue;
        };
        match out.iter_mut().find(|s| s.id == id) {
            Some(s) => s.roles.push(role),
            None => out.push(StaffView {
                id,
                name: r.try_get("display_name")?,
                roles: vec![role],
            }),
        }
    }
    for s in &mut out {
        s.roles
            .sort_by_key(|r| Performer::ALL.iter().position(|p| p == r));
    }
    Ok(out)
}

/// Whether `account_id` is an executor at `provider_id` (whom a head may name).
pub async fn is_executor(db: &Db, provider_id: &str, account_id: i64) -> sqlx::Result<bool> {
    Ok(roles(db, account_id, provider_id)
        .await?
        .contains(&Performer::Executor))
}

/// Gives `account_id` the role at `provider_id` (nothing if they hold it).
pub async fn grant(
    db: &Db,
    account_id: i64,
    provider_id: &str,
    role: Performer,
    at: i64,
) -> sqlx::Result<()> {
    if roles(db, account_id, provider_id).await?.contains(&role) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO staff_roles (account_id, provider_id, role, granted_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(account_id)
    .bind(provider_id.to_string())
    .bind(role.code())
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}
