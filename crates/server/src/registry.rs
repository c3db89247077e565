//! The registry of people and companies: it stands in for the state databases of individuals
//! and legal entities that the regulations have the portal check (000–004).

use crate::db::Db;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub iin: String,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub birth_date: String,
    /// The phone the mobile-citizens database holds, where one-time codes go.
    pub phone: Option<String>,
}

impl Person {
    pub fn full_name(&self) -> String {
        [
            Some(self.last_name.as_str()),
            Some(self.first_name.as_str()),
            self.patronymic.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub bin: String,
    pub name: String,
    pub head_iin: String,
}

pub async fn person(db: &Db, iin: &str) -> sqlx::Result<Option<Person>> {
    let row = sqlx::query("SELECT iin, last_name, first_name, patronymic, birth_date, phone FROM registry_people WHERE iin = $1")
        .bind(iin.to_string())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Person {
            iin: r.try_get("iin")?,
            last_name: r.try_get("last_name")?,
            first_name: r.try_get("first_name")?,
            patronymic: r.try_get("patronymic")?,
            birth_date: r.try_get("birth_date")?,
            phone: r.try_get("phone")?,
        })
    })
    .transpose()
}

pub async fn company(db: &Db, bin: &str) -> sqlx::Result<Option<Company>> {
    let row = sqlx::query("SELECT bin, name, head_iin FROM registry_companies WHERE bin = $1")
        .bind(bin.to_string())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(Company {
            bin: r.try_get("bin")?,
            name: r.try_get("name")?,
            head_iin: r.try_get("head_iin")?,
        })
    })
    .transpose()
}

pub async fn add_person(db: &Db, p: &Person) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO registry_people (iin, last_name, first_name, patronymic, birth_date, phone) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(p.iin.clone())
        .bind(p.last_name.clone())
        .bind(p.first_name.clone())
        .bind(p.patronymic.clone())
        .bind(p.birth_date.clone())
        .bind(p.phone.clone())
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn add_company(db: &Db, c: &Company) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO registry_companies (bin, name, head_iin) VALUES ($1, $2, $3)")
        .bind(c.bin.clone())
        .bind(c.name.clone())
        .bind(c.head_iin.clone())
        .execute(&db.pool)
        .await?;
    Ok(())
}
