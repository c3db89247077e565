//! The two migration folders (SQLite, PostgreSQL) must give the same schema: tables, columns
//! with their kind, nullability and default, primary keys, indexes (unique or not, on which
//! columns) and foreign keys. Each backend is migrated from empty and read back from its own
//! catalogue, then compared in one neutral form.

use std::collections::BTreeSet;

/// One fact about the schema, in a form both backends can be written in.
type Facts = BTreeSet<String>;

fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" | "int" => "integer",
        "text" | "character varying" | "varchar" => "text",
        "blob" | "bytea" => "bytes",
        "real" | "double precision" => "float",
        "boolean" => "boolean",
        _ => "unknown",
    }
}

/// A default as written, without PostgreSQL's casts (`'x'::text` is `'x'`). A serial's
/// `nextval(…)` is auto-numbering, as an identity column or SQLite's INTEGER PRIMARY KEY.
fn default(value: Option<String>) -> String {
    let v = value.unwrap_or_default();
    if v.starts_with("nextval(") {
        return String::new();
    }
    v.split("::")
        .next()
        .unwrap_or_default()
        .trim_matches(['(', ')'])
        .to_string()
}

async fn sqlite_facts() -> Facts {
    let dir = tempfile::tempdir().unwrap();
    let url = qyzmet_server::db::default_url(dir.path());
    drop(qyzmet_server::db::connect(&url).await.unwrap());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let mut facts = Facts::new();
    for t in tables {
        facts.insert(format!("table {t}"));
        let columns: Vec<(String, String, i64, Option<String>, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{t}')"
            )))
            .fetch_all(&db)
            .await
            .unwrap();
        let mut key = Vec::new();
        for (name, declared, not_null, dflt, pk) in columns {
            let null = if not_null == 1 || pk > 0 {
                "not null"
            } else {
                "null"
            };
            facts.insert(format!(
                "column {t}.{name} {} {null} default={}",
                kind(&declared),
                default(dflt)
            ));
            if pk > 0 {
                key.push((pk, name));
            }
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, n)| n).collect();
        facts.insert(format!("primary key {t}({})", key.join(", ")));
        let indexes: Vec<(String, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, \"unique\", origin FROM pragma_index_list('{t}')"
        )))
        .fetch_all(&db)
        .await
        .unwrap();
        for (index, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            )))
            .fetch_all(&db)
            .await
            .unwrap();
            let unique = if unique == 1 { "unique " } else { "" };
            facts.insert(format!("{unique}index {t}({})", cols.join(", ")));
        }
        let keys: Vec<(String, String, Option<String>, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{t}')"
            )))
            .fetch_all(&db)
            .await
            .unwrap();
        for (other, from, to, on_delete) in keys {
            let to = to.unwrap_or_else(|| "id".into());
            facts.insert(format!(
                "foreign key {t}({from}) -> {other}({to}) on delete {}",
                on_delete.to_lowercase()
            ));
        }
    }
    facts
}

async fn postgres_facts(base: &str) -> Facts {
    let name = format!("qyzmet_schema_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("{base}/{name}");
    drop(qyzmet_server::db::connect(&url).await.unwrap());
    let db = sqlx::PgPool::connect(&url).await.unwrap();
    let mut facts = Facts::new();
    let columns: Vec<(String, String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text, \
         c.column_default::text, c.is_identity::text FROM information_schema.columns c \
         WHERE c.table_schema = 'public' AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    for (t, name, data_type, nullable, dflt, _identity) in columns {
        facts.insert(format!("table {t}"));
        let null = if nullable == "NO" { "not null" } else { "null" };
        facts.insert(format!(
            "column {t}.{name} {} {null} default={}",
            kind(&data_type),
            default(dflt)
        ));
    }
    // Indexes (primary keys apart), with their columns in order.
    let indexes: Vec<(String, bool, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, ix.indisunique, ix.indisprimary, \
         array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) \
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    for (t, unique, primary, cols) in indexes {
        if primary {
            facts.insert(format!("primary key {t}({})", cols.join(", ")));
        } else {
            let unique = if unique { "unique " } else { "" };
            facts.insert(format!("{unique}index {t}({})", cols.join(", ")));
        }
    }
    let keys: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT kcu.table_name::text, kcu.column_name::text, ccu.table_name::text, \
         ccu.column_name::text, rc.delete_rule::text \
         FROM information_schema.referential_constraints rc \
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name \
         JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name \
         WHERE kcu.table_schema = 'public'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    for (t, from, other, to, on_delete) in keys {
        facts.insert(format!(
            "foreign key {t}({from}) -> {other}({to}) on delete {}",
            on_delete.to_lowercase()
        ));
    }
    db.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    facts
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn both_migration_folders_give_the_same_schema() {
    let base =
        crate::common::test_postgres().expect("QYZMET_TEST_POSTGRES names the suite's PostgreSQL");
    let sqlite = sqlite_facts().await;
    let postgres = postgres_facts(&base).await;
    assert!(sqlite.len() > 50, "the schema was read: {sqlite:#?}");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations drifted apart\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}
