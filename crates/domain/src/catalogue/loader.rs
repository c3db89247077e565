//! Loading and checking the catalogue's TOML files. The caller reads the files (this crate
//! does no I/O) and passes their names and contents; every error names the file, the service
//! and the field, so a data mistake is fixed in a minute.

use super::*;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: service `{service}`, field `{field}`: {reason}")]
pub struct LoadError {
    pub file: String,
    pub service: String,
    pub field: String,
    pub reason: String,
}

/// `catalogue/index.toml`: the fee index and the providers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    fee_index: FeeIndex,
    providers: Vec<Provider>,
}

/// One `catalogue/services/*.toml` file: one service.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    service: Service,
}

/// Loads the catalogue from the index file and the service files, `(name, content)` each.
pub fn load(index: (&str, &str), services: &[(&str, &str)]) -> Result<Catalogue, LoadError> {
    let (index_name, index_text) = index;
    let parsed: IndexFile =
        toml::from_str(index_text).map_err(|e| toml_error(index_name, index_text, &e))?;
    let mut catalogue = Catalogue {
        fee_index: parsed.fee_index,
        providers: parsed.providers,
        services: Vec::new(),
    };
    check_providers(index_name, &catalogue.providers)?;
    let mut ids = BTreeSet::new();
    for (name, text) in services {
        let file: ServiceFile = toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
        let service = file.service;
        check_service(name, &service, &catalogue.providers)?;
        if !ids.insert(service.id.clone()) {
            return Err(err(name, &service.id, "id", "another file has this id"));
        }
        catalogue.services.push(service);
    }
    catalogue
        .services
        .sort_by(|a, b| a.regulation.cmp(&b.regulation).then(a.id.cmp(&b.id)));
    Ok(catalogue)
}

fn err(file: &str, service: &str, field: &str, reason: &str) -> LoadError {
    LoadError {
        file: file.into(),
        service: service.into(),
        field: field.into(),
        reason: reason.into(),
    }
}

/// A TOML syntax or shape error: toml's message names the key; add the line it stands on.
fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> LoadError {
    let line = e
        .span()
        .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
    let field = line.map_or_else(|| "(file)".to_string(), |l| format!("(line {l})"));
    err(file, "?", &field, e.message().trim())
}

fn check_text(file: &str, service: &str, field: &str, text: &Text) -> Result<(), LoadError> {
    match text.missing().first() {
        Some(lang) => Err(err(file, service, field, &format!("text lacks {lang}"))),
        None => Ok(()),
    }
}

fn check_providers(file: &str, providers: &[Provider]) -> Result<(), LoadError> {
    let mut ids = BTreeSet::new();
    for p in providers {
        if !ids.insert(&p.id) {
            return Err(err(
                file,
                "-",
                &format!("providers.{}", p.id),
                "provider id used twice",
            ));
        }
        check_text(file, "-", &format!("providers.{}.name", p.id), &p.name)?;
        if let Some(a) = &p.address {
            check_text(file, "-", &format!("providers.{}.address", p.id), a)?;
        }
        if let Some(h) = &p.hours {
            check_text(file, "-", &format!("providers.{}.hours", p.id), h)?;
        }
    }
    Ok(())
}

/// The State Corporation's steps of a service taken at its offices: present exactly then,
/// each with its source, its worker accepting first and giving the result out last.
fn check_state_corporation(file: &str, s: &Service) -> Result<(), LoadError> {
    use crate::process::{Performer, StepAction};
    let id = s.id.as_str();
    let taken = s.channels.contains(&Channel::StateCorporation);
    let (before, after) = (&s.state_corporation_before, &s.state_corporation_after);
    if !taken {
        if before.is_empty() && after.is_empty() {
            return Ok(());
        }
        return Err(err(
            file,
            id,
            "state_corporation_before",
            "the service is not taken at the State Corporation",
        ));
    }
    let first = before.first().is_some_and(|st| {
        st.performer == Performer::StateCorporation && st.action == StepAction::Accept
    });
    if !first {
        return Err(err(
            file,
            id,
            "state_corporation_before",
            "the State Corporation's worker accepts first",
        ));
    }
    let last = after.last().is_some_and(|st| {
        st.performer == Performer::StateCorporation && st.action == StepAction::Issue
    });
    if !last {
        return Err(err(
            file,
            id,
            "state_corporation_after",
            "the State Corporation gives the result out last",
        ));
    }
    for (field, steps) in [
        ("state_corporation_before", before),
        ("state_corporation_after", after),
    ] {
        for (i, step) in steps.iter().enumerate() {
            if step.source.trim().is_empty() {
                return Err(err(
                    file,
                    id,
                    &format!("{field}[{i}].source"),
                    "quote the paragraph the step comes from",
                ));
            }
        }
    }
    Ok(())
}

/// One variant of service `s`: its name, term, fee, form and documents.
fn check_variant(file: &str, s: &Service, v: &Variant) -> Result<(), LoadError> {
    let id = s.id.as_str();
    let fail = |field: &str, reason: &str| Err(err(file, id, field, reason));
    let at = |f: &str| format!("variants.{}.{f}", v.id);
    check_text(file, id, &at("name"), &v.name)?;
    if v.term.days == 0 || v.term.source.trim().is_empty() {
        return fail(&at("term"), "a term needs days and a source");
    }
    if let Some(fee) = &v.fee
        && (fee.mci < 0.0 || fee.source.trim().is_empty())
    {
        return fail(&at("fee"), "a fee needs a non-negative amount and a source");
    }
    if s.online() && v.form.is_none() {
        return fail(&at("form"), "an online service needs a form");
    }
    if let Some(form) = &v.form {
        form.check()
            .map_err(|e| err(file, id, &at(&format!("form.{}", e.field)), &e.reason))?;
    }
    check_process(file, id, v)?;
    let mut doc_ids = BTreeSet::new();
    for d in &v.documents {
        let at = |f: &str| format!("variants.{}.documents.{}.{f}", v.id, d.id);
        if !doc_ids.insert(&d.id) {
            return fail(&at("id"), "document id used twice");
        }
        check_text(file, id, &at("name"), &d.name)?;
        if d.types.is_empty() {
            return fail(&at("types"), "no allowed file type");
        }
        if d.max_size_mb == 0 || d.max_size_mb > 50 {
            return fail(&at("max_size_mb"), "must be 1 to 50");
        }
        if d.source.trim().is_empty() {
            return fail(&at("source"), "name the source of the document list");
        }
    }
    Ok(())
}

/// The provider's process of a variant: given, each step with its source, the result
/// prepared by an executor, and signed (where a head signs) only after it was prepared.
fn check_process(file: &str, id: &str, v: &Variant) -> Result<(), LoadError> {
    use crate::process::{Performer, StepAction};
    let at = |f: &str| format!("variants.{}.process{f}", v.id);
    if v.process.is_empty() {
        return Err(err(
            file,
            id,
            &at(""),
            "name the provider's steps from the regulation",
        ));
    }
    for (i, step) in v.process.iter().enumerate() {
        if step.source.trim().is_empty() {
            return Err(err(
                file,
                id,
                &at(&format!("[{i}].source")),
                "quote the paragraph",
            ));
        }
    }
    let prepared = v
        .process
        .iter()
        .position(|s| s.performer == Performer::Executor && s.action == StepAction::Examine)
        .ok_or_else(|| err(file, id, &at(""), "no executor prepares the result"))?;
    let signed = v
        .process
        .iter()
        .position(|s| s.performer == Performer::Head && s.action == StepAction::Sign);
    if signed.is_some_and(|signed| signed < prepared) {
        return Err(err(
            file,
            id,
            &at(""),
            "the head signs before the result is prepared",
        ));
    }
    Ok(())
}

fn check_service(file: &str, s: &Service, providers: &[Provider]) -> Result<(), LoadError> {
    let id = s.id.as_str();
    let fail = |field: &str, reason: &str| Err(err(file, id, field, reason));
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return fail("id", "must be lowercase ascii, digits and -");
    }
    check_text(file, id, "name", &s.name)?;
    check_text(file, id, "description", &s.description)?;
    check_text(file, id, "regulation_title", &s.regulation_title)?;
    check_text(file, id, "result_description", &s.result_description)?;
    if s.providers.is_empty() {
        return fail("providers", "names no provider");
    }
    for p in &s.providers {
        if !providers.iter().any(|known| &known.id == p) {
            return fail("providers", &format!("unknown provider `{p}`"));
        }
    }
    if s.channels.is_empty() {
        return fail("channels", "names no channel");
    }
    if !s.online() && s.office_directions.is_none() {
        return fail(
            "office_directions",
            "an office-only service must say where and when to go",
        );
    }
    if let Some(d) = &s.office_directions {
        check_text(file, id, "office_directions", d)?;
    }
    if s.variants.is_empty() {
        return fail("variants", "a service needs at least one variant");
    }
    check_state_corporation(file, s)?;
    let mut variant_ids = BTreeSet::new();
    let mut documents = 0;
    for v in &s.variants {
        if !variant_ids.insert(&v.id) {
            return fail(&format!("variants.{}.id", v.id), "variant id used twice");
        }
        check_variant(file, s, v)?;
        documents += v.documents.len();
    }
    if s.online() && documents == 0 {
        return fail("variants", "an online service must list its documents");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"
fee_index = { year = 2026, tenge = 4325, source = "law" }
[[providers]]
id = "p"
name = { kk = "к", ru = "р", en = "e" }
source = "reg"
"#;

    fn service(extra: &str) -> String {
        format!(
            r#"[service]
id = "s"
regulation = "000"
regulation_title = {{ kk = "қаулы", ru = "постановление", en = "resolution" }}
name = {{ kk = "к", ru = "р", en = "e" }}
description = {{ kk = "к", ru = "р", en = "e" }}
category = "culture"
providers = ["p"]
applicants = "both"
channels = ["portal"]
result = "certificate"
result_description = {{ kk = "к", ru = "р", en = "e" }}
{extra}
"#
        )
    }

    const VARIANT: &str = r#"
[[service.variants]]
id = "main"
name = { kk = "к", ru = "р", en = "e" }
term = { days = 10, kind = "working", source = "reg" }
process = [
  { performer = "office", action = "register", time = { minutes = 30 }, source = "reg 1)" },
  { performer = "executor", action = "examine", time = "service_term", source = "reg 2)" },
  { performer = "head", action = "sign", time = "same_working_day", source = "reg 3)" },
]
[[service.variants.documents]]
id = "d"
name = { kk = "к", ru = "р", en = "e" }
required = true
types = ["pdf"]
max_size_mb = 10
source = "std"
[[service.variants.form.steps]]
id = "a"
title = { kk = "к", ru = "р", en = "e" }
[[service.variants.form.steps.fields]]
id = "phone"
label = { kk = "к", ru = "р", en = "e" }
kind = "phone"
required = true
"#;

    #[test]
    fn a_process_is_required_quoted_and_signed_after_it_is_prepared() {
        let load_with = |process: &str| {
            let start = VARIANT.find("process = [").unwrap();
            let end = start + VARIANT[start..].find("]\n").unwrap() + 2;
            let variant = VARIANT.replace(&VARIANT[start..end], process);
            load(("index.toml", INDEX), &[("s.toml", &service(&variant))]).map(|_| ())
        };
        let field = |r: Result<(), LoadError>| r.unwrap_err().field;
        assert_eq!(field(load_with("")), "variants.main.process");
        assert_eq!(
            field(load_with(
                "process = [ { performer = \"executor\", action = \"examine\", time = \"service_term\", source = \" \" } ]\n"
            )),
            "variants.main.process[0].source"
        );
        let signed_first = "process = [ { performer = \"head\", action = \"sign\", time = { hours = 2 }, source = \"r\" }, { performer = \"executor\", action = \"examine\", time = { working_days = 2 }, source = \"r\" } ]\n";
        assert_eq!(field(load_with(signed_first)), "variants.main.process");
        let no_executor = "process = [ { performer = \"office\", action = \"issue\", time = { minutes = 10 }, source = \"r\" } ]\n";
        assert_eq!(field(load_with(no_executor)), "variants.main.process");
    }

    #[test]
    fn a_minimal_service_loads() {
        let s = service(VARIANT);
        let c = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap();
        assert_eq!(c.services[0].main_variant().documents.len(), 1);
        assert!(c.services[0].online());
    }

    #[test]
    fn missing_documents_are_the_required_ones_without_a_file() {
        let optional = VARIANT.replacen(
            "[[service.variants.form.steps]]",
            "[[service.variants.documents]]\nid = \"o\"\nname = { kk = \"к\", ru = \"р\", en = \"e\" }\nrequired = false\ntypes = [\"pdf\"]\nmax_size_mb = 10\nsource = \"std\"\n[[service.variants.form.steps]]",
            1,
        );
        let c = load(("index.toml", INDEX), &[("s.toml", &service(&optional))]).unwrap();
        let variant = c.services[0].main_variant();
        assert_eq!(variant.documents.len(), 2);
        assert_eq!(variant.missing_documents([]), ["d"]);
        assert_eq!(variant.missing_documents(["o"]), ["d"]);
        assert!(variant.missing_documents(["d"]).is_empty());
        assert!(variant.missing_documents(["x", "d"]).is_empty());
    }

    #[test]
    fn errors_name_file_service_and_field() {
        let s = service(VARIANT).replace("providers = [\"p\"]", "providers = [\"x\"]");
        let e = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.service.as_str(), e.field.as_str()),
            ("s.toml", "s", "providers")
        );

        let s = service(VARIANT).replace(
            "name = { kk = \"к\", ru = \"р\", en = \"e\" }\ndescription",
            "name = { kk = \"к\", ru = \"\", en = \"e\" }\ndescription",
        );
        let e = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.reason.as_str()),
            ("name", "text lacks ru")
        );

        let s = service(&VARIANT.replace("max_size_mb = 10", "max_size_mb = 0"));
        let e = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap_err();
        assert_eq!(e.field, "variants.main.documents.d.max_size_mb");

        let s = service(&VARIANT.replace("kind = \"phone\"", "kind = \"choice\"\noptions = []"));
        let e = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap_err();
        assert_eq!(e.field, "variants.main.form.phone");

        let e = load(("index.toml", INDEX), &[("bad.toml", "[service]\nid = 5")]).unwrap_err();
        assert_eq!(e.file, "bad.toml");
    }

    #[test]
    fn office_only_services_need_directions_not_forms() {
        let office = VARIANT
            .split("[[service.variants.form.steps]]")
            .next()
            .unwrap();
        let s = service(office).replace(
            "channels = [\"portal\"]",
            "channels = [\"provider_office\"]",
        );
        let e = load(("index.toml", INDEX), &[("s.toml", &s)]).unwrap_err();
        assert_eq!(e.field, "office_directions");
        let s = s.replace(
            "[[service.variants]]",
            "office_directions = { kk = \"к\", ru = \"р\", en = \"e\" }\n[[service.variants]]",
        );
        assert!(load(("index.toml", INDEX), &[("s.toml", &s)]).is_ok());
    }

    #[test]
    fn duplicate_service_ids_are_refused() {
        let s = service(VARIANT);
        let e = load(("index.toml", INDEX), &[("a.toml", &s), ("b.toml", &s)]).unwrap_err();
        assert_eq!((e.file.as_str(), e.field.as_str()), ("b.toml", "id"));
    }
}
