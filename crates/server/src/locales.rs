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
                crate::http::problem::all_codes()
                    .into_iter()
                    .map(|c| format!("error.{c}")),
            )
            .chain(Status::ALL.iter().map(|s| format!("status.{}", s.code())));
        for key in keys {
            for lang in Lang::ALL {
                assert!(has(lang, &key), "{lang} lacks {key}");
            }
        }
    }
}
