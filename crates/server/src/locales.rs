//! The server's view of the locale files: API error titles in the request's language.
//! The files are the app's (`locales/*.json` at the repository root), compiled in.

use qyzmet_domain::Lang;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

const KK: &str = include_str!("../../../locales/kk.json");
const RU: &str = include_str!("../../../locales/ru.json");
const EN: &str = include_str!("../../../locales/en.json");

type Messages = HashMap<String, String>;

/// One language's messages, shared (the app's components read them when the server renders
/// a page).
pub fn all(lang: Lang) -> Arc<Messages> {
    shared(lang).clone()
}

fn shared(lang: Lang) -> &'static Arc<Messages> {
    static ALL: OnceLock<[Arc<Messages>; 3]> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        [KK, RU, EN].map(|text| {
            Arc::new(
                serde_json::from_str(text)
                    .expect("locale files are flat JSON objects of strings (tested)"),
            )
        })
    });
    &all[match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    }]
}

fn messages(lang: Lang) -> &'static Messages {
    shared(lang)
}

/// The message for `key`, or the key itself when a file lacks it (the parity test forbids
/// that, so a user never sees a key in a released build).
pub fn message(lang: Lang, key: &str) -> String {
    messages(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

pub fn has(lang: Lang, key: &str) -> bool {
    messages(lang).contains_key(key)
}

pub fn keys(lang: Lang) -> impl Iterator<Item = &'static String> {
    messages(lang).keys()
}

#[cfg(test)]
mod tests {
    use super::*;
    use qyzmet_domain::IdentifierError;
    use qyzmet_domain::form::FORM_ERROR_CODES;
    use qyzmet_domain::status::{Status, TransitionError};
    use std::collections::BTreeSet;

    /// `locales/GLOSSARY.md`'s ruled-out variants, per language: (key prefix, word).
    fn ruled_out() -> Vec<(Lang, String, String)> {
        let glossary = include_str!("../../../locales/GLOSSARY.md");
        let mut rules = Vec::new();
        for row in glossary.lines().filter(|l| l.starts_with('|')).skip(2) {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 6, "a glossary row has six cells: {row}");
            for (lang, cell) in [(Lang::Kk, cells[4]), (Lang::Ru, cells[5])] {
                for entry in cell.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                    let (scope, word) = entry.split_once(": ").unwrap_or(("", entry));
                    rules.push((lang, scope.to_string(), word.to_lowercase()));
                }
            }
        }
        rules
    }

    /// The catalogue's texts in `lang` (`kk = "…"` entries of every TOML file).
    fn catalogue_texts(lang: Lang) -> Vec<(String, String)> {
        let dir = std::path::Path::new(crate::DEFAULT_CATALOGUE_DIR);
        let mut files = vec![dir.join("index.toml")];
        files.extend(
            std::fs::read_dir(dir.join("services"))
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
        let marker = format!("{} = \"", lang.code());
        let mut texts = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (at, _) in text.match_indices(&marker) {
                let rest = &text[at + marker.len()..];
                let value = &rest[..rest.find('"').unwrap_or(rest.len())];
                texts.push((file.display().to_string(), value.to_string()));
            }
        }
        texts
    }

    #[test]
    fn the_glossary_is_kept() {
        let rules = ruled_out();
        assert!(rules.len() >= 5, "the glossary's rules were read");
        let mut found = Vec::new();
        for (lang, scope, word) in &rules {
            for key in keys(*lang).filter(|k| k.starts_with(scope.as_str())) {
                if message(*lang, key).to_lowercase().contains(word.as_str()) {
                    found.push(format!("{lang} {key}: «{word}»"));
                }
            }
            if scope.is_empty() {
                for (file, text) in catalogue_texts(*lang) {
                    if text.to_lowercase().contains(word.as_str()) {
                        found.push(format!("{lang} {file}: «{word}» in «{text}»"));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "variants the glossary rules out:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_glossary_check_finds_a_ruled_out_word() {
        // The check above would pass vacuously if it never matched: a word it must catch.
        let rules = ruled_out();
        assert!(rules.iter().any(|(l, s, w)| *l == Lang::Kk
            && s.is_empty()
            && "Өтінімді ашу".to_lowercase().contains(w.as_str())));
        assert!(rules.iter().any(|(l, s, w)| *l == Lang::Ru
            && s == "result.title."
            && "Сертификат".to_lowercase().contains(w.as_str())));
        assert!(!catalogue_texts(Lang::Kk).is_empty());
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let sets: Vec<BTreeSet<&String>> = Lang::ALL.iter().map(|l| keys(*l).collect()).collect();
        let all: BTreeSet<&String> = sets.iter().flatten().copied().collect();
        for (lang, set) in Lang::ALL.iter().zip(&sets) {
            let missing: Vec<_> = all.difference(set).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
        for lang in Lang::ALL {
            for key in keys(lang) {
                assert!(
                    !message(lang, key).trim().is_empty(),
                    "{lang}: {key} is blank"
                );
            }
        }
    }

    #[test]
    fn every_domain_code_has_a_message() {
        let keys = IdentifierError::ALL
            .iter()
            .map(|e| format!("error.{}", e.code()))
            .chain(FORM_ERROR_CODES.iter().map(|c| format!("error.{c}")))
            .chain(
                TransitionError::ALL
                    .iter()
                    .map(|e| format!("error.{}", e.code())),
            )
            .chain(
                qyzmet_domain::process::StepError::ALL
                    .iter()
                    .map(|e| format!("error.{}", e.code())),
            )
            .chain(
                crate::http::problem::all_codes()
                    .into_iter()
                    .map(|c| format!("error.{c}")),
            )
            .chain(
                crate::http::problem::FIELD_CODES
                    .iter()
                    .map(|c| format!("error.{c}")),
            )
            .chain(Status::ALL.iter().map(|s| format!("status.{}", s.code())));
        for key in keys {
            for lang in Lang::ALL {
                assert!(has(lang, &key), "{lang} lacks {key}");
            }
        }
    }

    /// The keys the app's code names as literals: `i18n.t("…")`, `i18n.t_with("…", …)` and
    /// `message(i18n, "<code>", …)` (which reads `error.<code>`). Keys built at run time
    /// (`format!`) are the other tests' business (status, error and domain codes).
    fn literal_keys(source: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (call, prefix) in [
            (".t(\"", ""),
            (".t_with(\"", ""),
            ("message(i18n, \"", "error."),
        ] {
            let mut rest = source;
            while let Some(at) = rest.find(call) {
                rest = &rest[at + call.len()..];
                if let Some(end) = rest.find('"') {
                    keys.push(format!("{prefix}{}", &rest[..end]));
                }
            }
        }
        keys
    }

    fn app_sources(dir: &std::path::Path, into: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                app_sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                into.push((path, text));
            }
        }
    }

    #[test]
    fn every_key_the_app_names_exists_in_every_language() {
        // A key missing from a locale shows the raw key to the user: found here instead.
        let mut sources = Vec::new();
        app_sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src"),
            &mut sources,
        );
        let mut named = 0;
        let mut missing = Vec::new();
        for (path, text) in &sources {
            for key in literal_keys(text) {
                named += 1;
                for lang in Lang::ALL {
                    if !has(lang, &key) {
                        missing.push(format!("{}: {lang} lacks {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        // The scan reads what the app calls (it would pass vacuously otherwise).
        assert!(named > 300, "only {named} keys found in the app's code");
        let sample = r#"i18n.t("login.title") i18n.t_with("code.sent", &[]) message(i18n, "form.required", &[])"#;
        assert_eq!(
            literal_keys(sample),
            ["login.title", "code.sent", "error.form.required"]
        );
        assert!(!has(Lang::Kk, "no.such.key"));
    }
}
