//! The provider's staff and the roles each holds there — office clerk, head, executor — as
//! the regulations' steps name them (`qyzmet_domain::process::Performer`). A step is made
//! only by someone holding its role at the request's provider; the lifecycle asks here.

use crate::db::Db;
use qyzmet_domain::api::StaffView;
use qyzmet_domain::process::{Performer, Staff};
use sqlx::Row;

/// The State Corporation, as a "provider" in `accounts.provider_id` and `staff_roles`: its
/// staff see the requests accepted at its offices, for every provider (`officers::DESK`).
pub use qyzmet_domain::process::STATE_CORPORATION;

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

/// Why the administrator's change was not made.
#[derive(Debug)]
pub enum StaffError {
    /// What is wrong with the form, field by field (`iin`: not a valid IIN or not in the
    /// registry; `provider_id`: no such provider; `roles`: none, or one a provider's staff
    /// do not hold), each with its error code.
    Fields(Vec<(&'static str, &'static str)>),
    /// The IIN has an account that is not this provider's staff (a citizen's, another
    /// provider's, an administrator's).
    HasAccount,
    /// No such member of staff.
    NotFound,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StaffError {
    fn from(e: sqlx::Error) -> Self {
        StaffError::Db(e)
    }
}

/// `roles` as held at `body` (in their shown order), if its staff may hold each of them.
fn check_roles(roles: &[Performer], body: &str) -> Result<Vec<Performer>, StaffError> {
    let allowed = Performer::staff_roles(body);
    if roles.is_empty() || roles.iter().any(|r| !allowed.contains(r)) {
        return Err(StaffError::Fields(vec![ROLES_ERROR]));
    }
    Ok(allowed
        .iter()
        .copied()
        .filter(|r| roles.contains(r))
        .collect())
}

/// Whether staff may work for `body`: a provider of the catalogue, or the State Corporation.
fn is_body(catalogue: &qyzmet_domain::catalogue::Catalogue, body: &str) -> bool {
    body == STATE_CORPORATION || catalogue.provider(body).is_some()
}

const ROLES_ERROR: (&str, &str) = ("roles", "form.choice");

fn roles_code(roles: &[Performer]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// A `staff_roles` + `accounts` row as the administrator sees it.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    login: String,
    display_name: String,
    provider_id: String,
    role: String,
    disabled: i64,
}

/// Every provider's staff (with a role, or disabled), by provider and name.
pub async fn all(db: &Db) -> sqlx::Result<Vec<qyzmet_domain::api::StaffMemberView>> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT a.id, a.login, a.display_name, a.provider_id, COALESCE(s.role, '') AS role, a.disabled \
         FROM accounts a LEFT JOIN staff_roles s ON s.account_id = a.id AND s.provider_id = a.provider_id \
         WHERE a.role = 'officer' AND a.provider_id IS NOT NULL ORDER BY a.provider_id, a.display_name, a.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<qyzmet_domain::api::StaffMemberView> = Vec::new();
    for r in rows {
        let role = Performer::from_code(&r.role);
        match out.iter_mut().find(|m| m.id == r.id) {
            Some(m) => m.roles.extend(role),
            None => out.push(qyzmet_domain::api::StaffMemberView {
                id: r.id,
                login: r.login,
                name: r.display_name,
                provider_id: r.provider_id,
                roles: role.into_iter().collect(),
                disabled: r.disabled != 0,
            }),
        }
    }
    for m in &mut out {
        m.roles
            .sort_by_key(|r| Performer::ALL.iter().position(|p| p == r));
    }
    Ok(out)
}

/// Writes one line of the staff audit.
async fn audit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    administrator: i64,
    member: i64,
    provider_id: &str,
    action: &str,
    detail: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO staff_audit (administrator_id, member_id, provider_id, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(administrator)
    .bind(member)
    .bind(provider_id.to_string())
    .bind(action.to_string())
    .bind(detail.to_string())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces `member`'s roles at `provider_id` with `roles`, in `tx`.
async fn set_roles(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member: i64,
    provider_id: &str,
    roles: &[Performer],
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM staff_roles WHERE account_id = $1 AND provider_id = $2")
        .bind(member)
        .bind(provider_id.to_string())
        .execute(&mut **tx)
        .await?;
    for role in roles {
        sqlx::query(
            "INSERT INTO staff_roles (account_id, provider_id, role, granted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(member)
        .bind(provider_id.to_string())
        .bind(role.code())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A person of the registry made a member of `provider_id`'s staff by `administrator`: a new
/// account (no password: staff log in with their EDS) with its roles, audited. Someone who is
/// already this provider's staff has their roles set instead.
pub async fn add(
    db: &Db,
    catalogue: &qyzmet_domain::catalogue::Catalogue,
    administrator: i64,
    new: &qyzmet_domain::api::NewStaff,
    at: i64,
) -> Result<i64, StaffError> {
    // Every field checked at once, so the form shows each of its problems.
    let iin = qyzmet_domain::identifiers::Iin::parse(new.iin.trim())
        .ok()
        .map(|i| i.as_string());
    let person = match &iin {
        Some(iin) => crate::registry::person(db, iin).await?,
        None => None,
    };
    let known_body = is_body(catalogue, &new.provider_id);
    let roles = check_roles(&new.roles, &new.provider_id);
    let mut wrong = Vec::new();
    if person.is_none() {
        wrong.push(("iin", "registry.not_found"));
    }
    if !known_body {
        wrong.push(("provider_id", "form.choice"));
    }
    // None chosen is always wrong; the roles chosen are judged against a body that exists.
    if new.roles.is_empty() || (known_body && roles.is_err()) {
        wrong.push(ROLES_ERROR);
    }
    let (Some(iin), Some(person), Ok(roles), true) = (iin, person, roles, wrong.is_empty()) else {
        return Err(StaffError::Fields(wrong));
    };
    let existing = sqlx::query("SELECT id, role, provider_id FROM accounts WHERE login = $1")
        .bind(iin.clone())
        .fetch_optional(&db.pool)
        .await?;
    if let Some(row) = existing {
        let (id, role, provider): (i64, String, Option<String>) = (
            row.try_get("id")?,
            row.try_get("role")?,
            row.try_get("provider_id")?,
        );
        if role != "officer" || provider.as_deref() != Some(new.provider_id.as_str()) {
            return Err(StaffError::HasAccount);
        }
        let change = qyzmet_domain::api::StaffChange {
            roles,
            disabled: false,
        };
        change_member(db, administrator, id, &change, at).await?;
        return Ok(id);
    }
    let mut tx = db.begin_write().await?;
    // Staff log in with EDS: the password is a random secret nobody is told.
    let unusable = crate::accounts::password::unusable_hash()
        .map_err(|e| StaffError::Db(sqlx::Error::Protocol(e.to_string())))?;
    let row = sqlx::query(
        "INSERT INTO accounts (login, kind, role, provider_id, display_name, phone, email, password_hash, created_at, proven_by) \
         VALUES ($1, 'individual', 'officer', $2, $3, $4, $5, $6, $7, 'administrator') RETURNING id",
    )
    .bind(iin.clone())
    .bind(new.provider_id.clone())
    .bind(person.full_name())
    .bind(person.phone.clone().unwrap_or_default())
    .bind(new.email.trim().to_string())
    .bind(unusable)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    set_roles(&mut tx, id, &new.provider_id, &roles, at).await?;
    audit(
        &mut tx,
        administrator,
        id,
        &new.provider_id,
        "added",
        &roles_code(&roles),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// `member`'s roles and whether they are disabled, changed by `administrator`, audited. A
/// disabled member's sessions end at once.
pub async fn change_member(
    db: &Db,
    administrator: i64,
    member: i64,
    change: &qyzmet_domain::api::StaffChange,
    at: i64,
) -> Result<(), StaffError> {
    let row = sqlx::query(
        "SELECT provider_id, disabled FROM accounts WHERE id = $1 AND role = 'officer' AND provider_id IS NOT NULL",
    )
    .bind(member)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(StaffError::NotFound)?;
    let provider: String = row.try_get("provider_id")?;
    let was_disabled = row.try_get::<i64, _>("disabled")? != 0;
    let roles = check_roles(&change.roles, &provider)?;
    let mut tx = db.begin_write().await?;
    let before = roles_of_tx(&mut tx, member, &provider).await?;
    if before != roles {
        set_roles(&mut tx, member, &provider, &roles, at).await?;
        audit(
            &mut tx,
            administrator,
            member,
            &provider,
            "roles",
            &roles_code(&roles),
            at,
        )
        .await?;
    }
    if was_disabled != change.disabled {
        sqlx::query("UPDATE accounts SET disabled = $1 WHERE id = $2")
            .bind(i64::from(change.disabled))
            .bind(member)
            .execute(&mut *tx)
            .await?;
        if change.disabled {
            sqlx::query("UPDATE sessions SET revoked = 1 WHERE account_id = $1")
                .bind(member)
                .execute(&mut *tx)
                .await?;
        }
        let action = if change.disabled {
            "disabled"
        } else {
            "enabled"
        };
        audit(
            &mut tx,
            administrator,
            member,
            &provider,
            action,
            &roles_code(&roles),
            at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn roles_of_tx(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member: i64,
    provider_id: &str,
) -> sqlx::Result<Vec<Performer>> {
    let rows =
        sqlx::query("SELECT role FROM staff_roles WHERE account_id = $1 AND provider_id = $2")
            .bind(member)
            .bind(provider_id.to_string())
            .fetch_all(&mut **tx)
            .await?;
    let held: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("role"))
        .collect::<sqlx::Result<_>>()?;
    Ok(Performer::staff_roles(provider_id)
        .iter()
        .copied()
        .filter(|p| held.iter().any(|h| h == p.code()))
        .collect())
}

/// A `staff_audit` row with the names of who changed whom.
#[derive(sqlx::FromRow)]
struct AuditRow {
    at: i64,
    administrator: String,
    member: String,
    provider_id: String,
    action: String,
    detail: String,
}

/// The staff changes, newest first; `search` (a name or IIN, part of it) narrows them.
pub async fn audit_log(
    db: &Db,
    search: Option<&str>,
) -> sqlx::Result<Vec<qyzmet_domain::api::StaffAuditView>> {
    let pattern = format!("%{}%", search.unwrap_or_default().trim().to_lowercase());
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT l.at, ad.display_name AS administrator, m.display_name AS member, l.provider_id, l.action, l.detail \
         FROM staff_audit l JOIN accounts ad ON ad.id = l.administrator_id JOIN accounts m ON m.id = l.member_id \
         WHERE LOWER(m.display_name) LIKE $1 OR m.login LIKE $1 OR LOWER(ad.display_name) LIKE $1 \
         ORDER BY l.id DESC LIMIT 200",
    )
    .bind(pattern)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| qyzmet_domain::api::StaffAuditView {
            at: crate::applications::rfc3339(r.at),
            administrator: r.administrator,
            member: r.member,
            provider_id: r.provider_id,
            action: r.action,
            detail: r.detail,
        })
        .collect())
}
