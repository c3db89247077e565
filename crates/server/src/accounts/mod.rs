//! Accounts: registration against the registry, login, and reading an account.

pub mod password;

use crate::db::{Db, now};
use crate::registry;
use qyzmet_domain::api::{AccountKind, AccountView, RegisterRequest, Role};
use qyzmet_domain::form::FieldError;
use qyzmet_domain::identifiers::AccountId;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Why a registration is refused.
#[derive(Debug)]
pub enum RegisterError {
    /// Field problems: format, registry, password policy.
    Invalid(Vec<FieldError>),
    /// A proven account with this IIN/BIN exists already.
    Exists,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for RegisterError {
    fn from(e: sqlx::Error) -> Self {
        RegisterError::Db(e)
    }
}

pub fn field_error(field: &str, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        params: Default::default(),
    }
}

/// Who the registry says an IIN/BIN is: the name and the phone the state holds (a company's
/// is its head's). Never shown before the holder is proven.
#[derive(Debug, Clone)]
pub struct RegistryHolder {
    pub id: AccountId,
    pub name: String,
    pub phone: Option<String>,
}

pub async fn registry_holder(db: &Db, id: &AccountId) -> sqlx::Result<Option<RegistryHolder>> {
    Ok(match id {
        AccountId::Iin(iin) => {
            registry::person(db, &iin.as_string())
                .await?
                .map(|p| RegistryHolder {
                    id: *id,
                    name: p.full_name(),
                    phone: p.phone.clone(),
                })
        }
        AccountId::Bin(bin) => match registry::company(db, &bin.as_string()).await? {
            Some(c) => Some(RegistryHolder {
                id: *id,
                name: c.name,
                phone: registry::person(db, &c.head_iin)
                    .await?
                    .and_then(|p| p.phone),
            }),
            None => None,
        },
    })
}

/// The registration form's own checks (identifier, registry, email, password policy), made
/// before any proof is spent. Reveals nothing of the holder.
pub async fn check_registration(
    db: &Db,
    req: &RegisterRequest,
) -> Result<RegistryHolder, RegisterError> {
    let mut errors = Vec::new();
    let id = match AccountId::parse(&req.login) {
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(field_error("login", e.code()));
            None
        }
    };
    let email = req.email.trim();
    if !qyzmet_domain::form::is_email(email) {
        errors.push(field_error(
            "email",
            if email.is_empty() {
                "form.required"
            } else {
                "form.email"
            },
        ));
    }
    if let Err(e) = password::check_policy(&req.password, &req.login) {
        errors.push(field_error("password", e.code()));
    }
    let mut holder = None;
    if let Some(id) = &id {
        holder = registry_holder(db, id).await?;
        if holder.is_none() {
            errors.push(field_error("login", "registry.not_found"));
        }
    }
    match holder {
        Some(h) if errors.is_empty() => Ok(h),
        _ => Err(RegisterError::Invalid(errors)),
    }
}

/// How the holder of a new account was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvenBy {
    Eds,
    Sms,
}

impl ProvenBy {
    fn code(self) -> &'static str {
        match self {
            ProvenBy::Eds => "eds",
            ProvenBy::Sms => "sms",
        }
    }
}

/// Creates the account of a holder proven by `proven_by`. An account of the same IIN/BIN
/// made before proof was required is taken over (new password and email, its sessions
/// ended): proof outranks whoever typed the number first.
pub async fn register_proven(
    db: &Db,
    holder: &RegistryHolder,
    req: &RegisterRequest,
    proven_by: ProvenBy,
) -> Result<AccountView, RegisterError> {
    let login = holder.id.as_string();
    let hash = password::hash(&req.password)
        .map_err(|e| RegisterError::Db(sqlx::Error::Protocol(e.to_string())))?;
    let phone = holder.phone.clone().unwrap_or_default();
    let email = req.email.trim().to_string();
    if let Some(existing) = sqlx::query("SELECT id, proven_by FROM accounts WHERE login = $1")
        .bind(login.clone())
        .fetch_optional(&db.pool)
        .await?
    {
        let proven: Option<String> = existing.try_get("proven_by")?;
        if proven.is_some() {
            return Err(RegisterError::Exists);
        }
        let id: i64 = existing.try_get("id")?;
        let mut tx = db.begin_write().await?;
        let taken = sqlx::query(
            "UPDATE accounts SET password_hash = $1, phone = $2, email = $3, display_name = $4, proven_by = $5 \
             WHERE id = $6 AND proven_by IS NULL",
        )
        .bind(hash)
        .bind(phone)
        .bind(email)
        .bind(holder.name.clone())
        .bind(proven_by.code())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Err(RegisterError::Exists);
        }
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE account_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return find_by_id(db, id)
            .await?
            .ok_or(RegisterError::Db(sqlx::Error::RowNotFound));
    }
    let kind = match holder.id {
        AccountId::Iin(_) => AccountKind::Individual,
        AccountId::Bin(_) => AccountKind::Company,
    };
    let new = NewAccount {
        login,
        kind,
        role: Role::Applicant,
        provider_id: None,
        display_name: holder.name.clone(),
        phone,
        email,
    };
    match insert(db, &new, &hash, proven_by.code()).await {
        Ok(account) => Ok(account),
        // Two registrations raced for the same IIN/BIN: the unique index decided.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(RegisterError::Exists),
        Err(e) => Err(RegisterError::Db(e)),
    }
}

pub struct NewAccount {
    pub login: String,
    pub kind: AccountKind,
    pub role: Role,
    pub provider_id: Option<String>,
    pub display_name: String,
    pub phone: String,
    pub email: String,
}

/// A new account; `proven_by` says how its holder was proven (`eds`, `sms`, or `seed` for
/// demo and administration data).
pub async fn insert(
    db: &Db,
    a: &NewAccount,
    password_hash: &str,
    proven_by: &str,
) -> sqlx::Result<AccountView> {
    let row = sqlx::query(
        "INSERT INTO accounts (login, kind, role, provider_id, display_name, phone, email, password_hash, created_at, proven_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(a.login.clone())
    .bind(kind_code(a.kind))
    .bind(role_code(a.role))
    .bind(a.provider_id.clone())
    .bind(a.display_name.clone())
    .bind(a.phone.clone())
    .bind(a.email.clone())
    .bind(password_hash.to_string())
    .bind(now())
    .bind(proven_by.to_string())
    .fetch_one(&db.pool)
    .await?;
    Ok(AccountView {
        id: row.try_get("id")?,
        login: a.login.clone(),
        kind: a.kind,
        role: a.role,
        provider_id: a.provider_id.clone(),
        display_name: a.display_name.clone(),
        phone: a.phone.clone(),
        email: a.email.clone(),
        staff_roles: Vec::new(),
    })
}

const COLUMNS: &str =
    "id, login, kind, role, provider_id, display_name, phone, email, password_hash";

/// Only accounts whose holder was proven can be logged in to (password or EDS), and not a
/// member of staff the administrator disabled.
const PROVEN: &str = "proven_by IS NOT NULL AND disabled = 0";

fn from_row(r: &AnyRow) -> sqlx::Result<(AccountView, String)> {
    let kind: String = r.try_get("kind")?;
    let role: String = r.try_get("role")?;
    let decode = |what: &str| sqlx::Error::Decode(format!("bad {what} in accounts").into());
    Ok((
        AccountView {
            id: r.try_get("id")?,
            login: r.try_get("login")?,
            kind: parse_kind(&kind).ok_or_else(|| decode("kind"))?,
            role: parse_role(&role).ok_or_else(|| decode("role"))?,
            provider_id: r.try_get("provider_id")?,
            display_name: r.try_get("display_name")?,
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            staff_roles: Vec::new(),
        },
        r.try_get("password_hash")?,
    ))
}

pub async fn find_by_login(db: &Db, login: &str) -> sqlx::Result<Option<(AccountView, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE login = $1 AND {PROVEN}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.to_string())
        .fetch_optional(&db.pool)
        .await?;
    match row.as_ref().map(from_row).transpose()? {
        Some((account, hash)) => Ok(Some((with_staff_roles(db, account).await?, hash))),
        None => Ok(None),
    }
}

/// A member of staff's account with the roles they hold at their provider.
async fn with_staff_roles(db: &Db, mut account: AccountView) -> sqlx::Result<AccountView> {
    if let (Role::Officer, Some(provider)) = (account.role, account.provider_id.as_deref()) {
        account.staff_roles = crate::staff::roles(db, account.id, provider).await?;
    }
    Ok(account)
}

pub async fn find_by_id(db: &Db, id: i64) -> sqlx::Result<Option<AccountView>> {
    // A disabled account acts no more: its sessions end with the next request.
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1 AND disabled = 0");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row.as_ref().map(from_row).transpose()? {
        Some((account, _)) => Ok(Some(with_staff_roles(db, account).await?)),
        None => Ok(None),
    }
}

/// The account for a login and password, or `None`. A login that is not a valid IIN/BIN or
/// has no account costs the same hashing time as a wrong password.
pub async fn authenticate(
    db: &Db,
    login: &str,
    password_text: &str,
) -> sqlx::Result<Option<AccountView>> {
    let normalised = AccountId::parse(login).map(|id| id.as_string()).ok();
    let found = match &normalised {
        Some(l) => find_by_login(db, l).await?,
        None => None,
    };
    let (account, hash) = match found {
        Some((a, h)) => (Some(a), h),
        None => (None, password::decoy_hash().to_string()),
    };
    let ok = tokio::task::spawn_blocking({
        let password_text = password_text.to_string();
        move || password::verify(&password_text, &hash)
    })
    .await
    .unwrap_or(false);
    Ok(account.filter(|_| ok))
}

pub fn kind_code(k: AccountKind) -> &'static str {
    match k {
        AccountKind::Individual => "individual",
        AccountKind::Company => "company",
    }
}

fn parse_kind(s: &str) -> Option<AccountKind> {
    match s {
        "individual" => Some(AccountKind::Individual),
        "company" => Some(AccountKind::Company),
        _ => None,
    }
}

pub fn role_code(r: Role) -> &'static str {
    match r {
        Role::Applicant => "applicant",
        Role::Officer => "officer",
        Role::Administrator => "administrator",
    }
}

fn parse_role(s: &str) -> Option<Role> {
    match s {
        "applicant" => Some(Role::Applicant),
        "officer" => Some(Role::Officer),
        "administrator" => Some(Role::Administrator),
        _ => None,
    }
}
