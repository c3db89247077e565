//! Accounts: registration against the registry, login, and reading an account.

pub mod password;

use crate::db::{Db, now};
use crate::registry;
use qyzmet_domain::api::{AccountKind, AccountView, RegisterRequest, Role};
use qyzmet_domain::form::{FieldError, normalise_phone};
use qyzmet_domain::identifiers::AccountId;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Why a registration is refused.
#[derive(Debug)]
pub enum RegisterError {
    /// Field problems: format, registry, password policy.
    Invalid(Vec<FieldError>),
    /// An account with this IIN/BIN exists already.
    Exists,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for RegisterError {
    fn from(e: sqlx::Error) -> Self {
        RegisterError::Db(e)
    }
}

fn field_error(field: &str, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        params: Default::default(),
    }
}

/// The registered person's or company's name, from the registry; `None` when absent.
async fn registry_name(db: &Db, id: &AccountId) -> sqlx::Result<Option<String>> {
    Ok(match id {
        AccountId::Iin(iin) => registry::person(db, &iin.as_string())
            .await?
            .map(|p| p.full_name()),
        AccountId::Bin(bin) => registry::company(db, &bin.as_string())
            .await?
            .map(|c| c.name),
    })
}

pub async fn register(db: &Db, req: &RegisterRequest) -> Result<AccountView, RegisterError> {
    let mut errors = Vec::new();
    let id = match AccountId::parse(&req.login) {
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(field_error("login", e.code()));
            None
        }
    };
    let phone = normalise_phone(&req.phone);
    if phone.is_none() {
        errors.push(field_error(
            "phone",
            if req.phone.trim().is_empty() {
                "form.required"
            } else {
                "form.phone"
            },
        ));
    }
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
    let mut name = None;
    if let Some(id) = &id {
        name = registry_name(db, id).await?;
        if name.is_none() {
            errors.push(field_error("login", "registry.not_found"));
        }
    }
    let (Some(id), Some(phone), Some(name), true) = (id, phone, name, errors.is_empty()) else {
        return Err(RegisterError::Invalid(errors));
    };
    let login = id.as_string();
    if find_by_login(db, &login).await?.is_some() {
        return Err(RegisterError::Exists);
    }
    let kind = match id {
        AccountId::Iin(_) => AccountKind::Individual,
        AccountId::Bin(_) => AccountKind::Company,
    };
    let hash = password::hash(&req.password)
        .map_err(|e| RegisterError::Db(sqlx::Error::Protocol(e.to_string())))?;
    let new = NewAccount {
        login,
        kind,
        role: Role::Applicant,
        provider_id: None,
        display_name: name,
        phone,
        email: email.to_string(),
    };
    match insert(db, &new, &hash).await {
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

pub async fn insert(db: &Db, a: &NewAccount, password_hash: &str) -> sqlx::Result<AccountView> {
    let row = sqlx::query(
        "INSERT INTO accounts (login, kind, role, provider_id, display_name, phone, email, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
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
    })
}

const COLUMNS: &str =
    "id, login, kind, role, provider_id, display_name, phone, email, password_hash";

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
        },
        r.try_get("password_hash")?,
    ))
}

pub async fn find_by_login(db: &Db, login: &str) -> sqlx::Result<Option<(AccountView, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE login = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.to_string())
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> sqlx::Result<Option<AccountView>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?.map(|(a, _)| a))
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
