//! Demo data for a first start: the registry, two citizens, one company, one officer per
//! provider and an administrator (`demo/demo.toml`). Seeded only into an empty database.

use crate::accounts::{self, NewAccount, password};
use crate::db::Db;
use crate::registry::{self, Company, Person};
use qyzmet_domain::api::{AccountKind, Role};
use qyzmet_domain::identifiers::AccountId;
use serde::Deserialize;
use sqlx::Row;

const DEMO: &str = include_str!("../demo/demo.toml");

#[derive(Deserialize)]
struct DemoFile {
    people: Vec<DemoPerson>,
    companies: Vec<DemoCompany>,
    accounts: Vec<DemoAccount>,
}

#[derive(Deserialize)]
struct DemoPerson {
    iin: String,
    last_name: String,
    first_name: String,
    patronymic: Option<String>,
    birth_date: String,
}

#[derive(Deserialize)]
struct DemoCompany {
    bin: String,
    name: String,
    head_iin: String,
}

#[derive(Deserialize, Clone)]
pub struct DemoAccount {
    pub login: String,
    pub role: Role,
    pub provider: Option<String>,
    pub phone: String,
    pub email: String,
    pub password: String,
}

fn parse() -> anyhow::Result<DemoFile> {
    Ok(toml::from_str(DEMO)?)
}

/// The demo accounts, for printing how to log in.
pub fn accounts() -> Vec<DemoAccount> {
    parse().map(|f| f.accounts).unwrap_or_default()
}

/// Seeds the demo data when the database has no accounts yet; says whether it did.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    if count > 0 {
        return Ok(false);
    }
    let file = parse()?;
    for p in &file.people {
        let person = Person {
            iin: p.iin.clone(),
            last_name: p.last_name.clone(),
            first_name: p.first_name.clone(),
            patronymic: p.patronymic.clone(),
            birth_date: p.birth_date.clone(),
        };
        registry::add_person(db, &person).await?;
    }
    for c in &file.companies {
        registry::add_company(
            db,
            &Company {
                bin: c.bin.clone(),
                name: c.name.clone(),
                head_iin: c.head_iin.clone(),
            },
        )
        .await?;
    }
    for a in &file.accounts {
        let id = AccountId::parse(&a.login)
            .map_err(|e| anyhow::anyhow!("demo login {}: {}", a.login, e.code()))?;
        let (kind, display_name) = match id {
            AccountId::Iin(iin) => (
                AccountKind::Individual,
                registry::person(db, &iin.as_string())
                    .await?
                    .map(|p| p.full_name()),
            ),
            AccountId::Bin(bin) => (
                AccountKind::Company,
                registry::company(db, &bin.as_string())
                    .await?
                    .map(|c| c.name),
            ),
        };
        let display_name = display_name
            .ok_or_else(|| anyhow::anyhow!("demo login {} is not in the demo registry", a.login))?;
        let new = NewAccount {
            login: id.as_string(),
            kind,
            role: a.role,
            provider_id: a.provider.clone(),
            display_name,
            phone: a.phone.clone(),
            email: a.email.clone(),
        };
        accounts::insert(db, &new, &password::hash(&a.password)?).await?;
    }
    Ok(true)
}
