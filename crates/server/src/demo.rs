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
    /// The phone the mobile-citizens database holds (TEST codes are sent there).
    phone: Option<String>,
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
    /// A member of staff's roles at `provider` (office, head, executor).
    #[serde(default)]
    pub roles: Vec<qyzmet_domain::process::Performer>,
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

/// Seeds the demo data when the database has no accounts yet; says whether it did. A demo
/// database from before gets the demo people and accounts added since (the providers'
/// heads), so every role can be tried on it.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    let file = parse()?;
    for p in &file.people {
        if count > 0 && registry::person(db, &p.iin).await?.is_some() {
            continue;
        }
        let person = Person {
            iin: p.iin.clone(),
            last_name: p.last_name.clone(),
            first_name: p.first_name.clone(),
            patronymic: p.patronymic.clone(),
            birth_date: p.birth_date.clone(),
            phone: p.phone.clone(),
        };
        registry::add_person(db, &person).await?;
    }
    for c in &file.companies {
        if count > 0 && registry::company(db, &c.bin).await?.is_some() {
            continue;
        }
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
        if count > 0 && accounts::find_by_login(db, &a.login).await?.is_some() {
            continue;
        }
        add_account(db, a).await?;
    }
    Ok(count == 0)
}

/// One demo account, with its roles at its provider.
async fn add_account(db: &Db, a: &DemoAccount) -> anyhow::Result<()> {
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
    let account = accounts::insert(db, &new, &password::hash(&a.password)?, "seed").await?;
    if let Some(provider) = &a.provider {
        for role in &a.roles {
            crate::staff::grant(db, account.id, provider, *role, crate::db::now()).await?;
        }
    }
    Ok(())
}

/// Someone who gets demo EDS keys: every demo account's person (for a company, its head
/// with the company's BIN and name), named as the registry names them.
#[derive(Debug, Clone)]
pub struct CertificateHolder {
    /// The account's login (IIN or BIN): the key files are named after it.
    pub login: String,
    pub subject: qyzmet_eds::issue::Subject,
}

pub fn certificate_holders() -> anyhow::Result<Vec<CertificateHolder>> {
    let file = parse()?;
    let person = |iin: &str| {
        file.people
            .iter()
            .find(|p| p.iin == iin)
            .ok_or_else(|| anyhow::anyhow!("{iin} is not in the demo registry"))
    };
    let mut holders = Vec::new();
    for a in &file.accounts {
        let subject = match file.companies.iter().find(|c| c.bin == a.login) {
            Some(c) => qyzmet_eds::issue::Subject {
                bin: Some(c.bin.clone()),
                organization: Some(c.name.clone()),
                role: qyzmet_eds::SignerRole::Head,
                ..subject_of(person(&c.head_iin)?)
            },
            None => subject_of(person(&a.login)?),
        };
        holders.push(CertificateHolder {
            login: a.login.clone(),
            subject,
        });
    }
    Ok(holders)
}

/// The registry's people and companies that have no account (keys for registering with EDS).
pub fn holders_without_account() -> anyhow::Result<Vec<CertificateHolder>> {
    let file = parse()?;
    let has_account = |login: &str| file.accounts.iter().any(|a| a.login == login);
    let mut holders = Vec::new();
    for p in file.people.iter().filter(|p| !has_account(&p.iin)) {
        holders.push(CertificateHolder {
            login: p.iin.clone(),
            subject: subject_of(p),
        });
    }
    for c in file.companies.iter().filter(|c| !has_account(&c.bin)) {
        let head = file
            .people
            .iter()
            .find(|p| p.iin == c.head_iin)
            .ok_or_else(|| anyhow::anyhow!("{} is not in the demo registry", c.head_iin))?;
        holders.push(CertificateHolder {
            login: c.bin.clone(),
            subject: qyzmet_eds::issue::Subject {
                bin: Some(c.bin.clone()),
                organization: Some(c.name.clone()),
                role: qyzmet_eds::SignerRole::Head,
                ..subject_of(head)
            },
        });
    }
    Ok(holders)
}

/// A person in the demo registry without an account, for "a certificate whose IIN is not
/// the account's".
pub fn person_without_account() -> anyhow::Result<qyzmet_eds::issue::Subject> {
    let file = parse()?;
    let p = file
        .people
        .iter()
        .find(|p| {
            let has_account = |login: &str| file.accounts.iter().any(|a| a.login == login);
            // Not the head of a company with an account either: their key would carry its BIN.
            !has_account(&p.iin)
                && !file
                    .companies
                    .iter()
                    .any(|c| c.head_iin == p.iin && has_account(&c.bin))
        })
        .ok_or_else(|| anyhow::anyhow!("the demo registry has no person without an account"))?;
    Ok(subject_of(p))
}

/// A person as NCA RK names them in a certificate: CN "SURNAME GIVEN-NAME" in capitals.
fn subject_of(p: &DemoPerson) -> qyzmet_eds::issue::Subject {
    qyzmet_eds::issue::Subject {
        common_name: format!("{} {}", p.last_name, p.first_name).to_uppercase(),
        surname: p.last_name.to_uppercase(),
        given_name: p.first_name.to_uppercase(),
        iin: p.iin.clone(),
        bin: None,
        organization: None,
        role: qyzmet_eds::SignerRole::Person,
    }
}
