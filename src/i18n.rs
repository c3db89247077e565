//! Translations: the locale files (`locales/<lang>.json`, served as static files) are fetched
//! one language at a time, so the bundle carries no text. `I18n::t` reads reactively: a view
//! that calls it redraws when the language changes, and nothing else about the page does, so
//! the user's place and input survive a switch.

use leptos::prelude::*;
use qyzmet_domain::Lang;
use std::collections::HashMap;
use std::sync::Arc;

const STORAGE_KEY: &str = "qyzmet.lang";
/// The cookie the server reads the chosen language from.
pub const LANG_COOKIE: &str = "qyzmet_lang";

pub type Messages = Arc<HashMap<String, String>>;

#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
    messages: RwSignal<Messages>,
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

impl I18n {
    pub fn provide(lang: Lang, messages: Messages) -> I18n {
        let i18n = I18n {
            lang: RwSignal::new(lang),
            messages: RwSignal::new(messages),
        };
        provide_context(i18n);
        Effect::new(move |_| set_html_lang(i18n.lang.get()));
        i18n
    }

    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The language without subscribing (for event handlers and one-off fetches).
    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// The message for `key` in the current language.
    pub fn t(&self, key: &str) -> String {
        self.messages
            .with(|m| m.get(key).cloned().unwrap_or_else(|| key.to_string()))
    }

    /// The message with `{name}` placeholders filled.
    pub fn t_with(&self, key: &str, args: &[(&str, String)]) -> String {
        args.iter().fold(self.t(key), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }

    /// A count with its noun in the right plural form (`key.one` / `.few` / `.many`).
    pub fn t_count(&self, key: &str, n: i64) -> String {
        let form = plural_form(self.lang.get(), n);
        self.t_with(
            &format!("{key}.{form}"),
            &[("n", format_number(self.lang.get(), n))],
        )
    }

    /// A calendar date as the reader's language writes it (14.12.2026, 14 December 2026).
    pub fn date(&self, date: time::Date) -> String {
        qyzmet_domain::written::date(date, &|key| self.t(key))
    }

    /// A stored `YYYY-MM-DD` (a due date, a date answer) as written.
    pub fn iso_date(&self, raw: &str) -> String {
        qyzmet_domain::written::iso_date(raw, &|key| self.t(key))
    }

    /// An RFC 3339 moment, in Kazakhstan's time, as written; unreadable ones shown as they are.
    pub fn moment(&self, rfc3339: &str) -> String {
        crate::kz_time::local(rfc3339).map_or_else(
            || rfc3339.to_string(),
            |at| qyzmet_domain::written::moment(at, &|key| self.t(key)),
        )
    }

    /// A stored local `YYYY-MM-DDTHH:MM` (a testing appointment) as written.
    pub fn iso_moment(&self, raw: &str) -> String {
        qyzmet_domain::written::iso_moment(raw, &|key| self.t(key))
    }

    /// Switches language: fetch the messages, then swap them in and remember the choice.
    pub fn switch(&self, lang: Lang) {
        let this = *self;
        leptos::task::spawn_local(async move {
            if let Ok(messages) = fetch_messages(lang).await {
                this.messages.set(messages);
                this.lang.set(lang);
                remember(lang);
            }
        });
    }
}

/// CLDR plural categories as the locale files use them: Russian has one/few/many; English
/// one/many; Kazakh does not inflect a noun after a numeral.
pub fn plural_form(lang: Lang, n: i64) -> &'static str {
    let n = n.unsigned_abs();
    match lang {
        Lang::Ru if n % 10 == 1 && n % 100 != 11 => "one",
        Lang::Ru if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) => "few",
        Lang::Ru => "many",
        Lang::En if n == 1 => "one",
        Lang::En => "many",
        Lang::Kk => "many",
    }
}

/// Groups thousands as each language writes them: `43 250` in kk and ru, `43,250` in en.
pub fn format_number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::En { "," } else { "\u{a0}" };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The language the address asks (`?lang=`, what the server's copy of the language switcher
/// sends), else the saved choice, else the language the server rendered the page in (it asked
/// the same cookie and the browser's preferences), else the browser's first preferred
/// language we speak, else Kazakh.
pub fn initial_lang() -> Lang {
    let asked = window().location().search().ok().and_then(|query| {
        query
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang="))
            .and_then(Lang::from_tag)
    });
    if let Some(lang) = asked {
        remember(lang);
        return lang;
    }
    let saved = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    if let Some(lang) = saved.as_deref().and_then(Lang::from_tag) {
        // A choice saved before the server rendered pages: tell the server too.
        set_cookie(lang);
        return lang;
    }
    let rendered = document()
        .get_element_by_id(crate::handover::SERVER_COPY)
        .and_then(|_| document().document_element())
        .and_then(|root| root.get_attribute("lang"));
    if let Some(lang) = rendered.as_deref().and_then(Lang::from_tag) {
        return lang;
    }
    let preferred: Vec<String> = window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    Lang::negotiate(preferred.iter().map(String::as_str))
}

fn remember(lang: Lang) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        // A full or disabled storage only loses the preference, never the page.
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
    set_cookie(lang);
}

/// The server renders pages in the language this cookie names (see the server's `pages`).
fn set_cookie(lang: Lang) {
    let cookie = format!(
        "{LANG_COOKIE}={}; path=/; max-age=31536000; samesite=lax",
        lang.code()
    );
    let _ = js_sys::Reflect::set(&document(), &"cookie".into(), &cookie.into());
}

fn set_html_lang(lang: Lang) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub async fn fetch_messages(lang: Lang) -> Result<Messages, gloo_net::Error> {
    let map: HashMap<String, String> =
        gloo_net::http::Request::get(&format!("/locales/{}.json", lang.code()))
            .send()
            .await?
            .json()
            .await?;
    Ok(Arc::new(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals_follow_cldr() {
        let forms: Vec<_> = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 30, 101, 111]
            .map(|n| plural_form(Lang::Ru, n))
            .into();
        assert_eq!(
            forms,
            [
                "one", "few", "few", "many", "many", "many", "many", "one", "few", "many", "many",
                "one", "many"
            ]
        );
    }

    #[test]
    fn english_and_kazakh_plurals() {
        assert_eq!(
            (
                plural_form(Lang::En, 1),
                plural_form(Lang::En, 2),
                plural_form(Lang::En, 0)
            ),
            ("one", "many", "many")
        );
        assert_eq!(
            (plural_form(Lang::Kk, 1), plural_form(Lang::Kk, 30)),
            ("many", "many")
        );
    }

    #[test]
    fn thousands_are_grouped_per_language() {
        assert_eq!(format_number(Lang::En, 43250), "43,250");
        assert_eq!(format_number(Lang::Ru, 43250), "43\u{a0}250");
        assert_eq!(format_number(Lang::Kk, 1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(format_number(Lang::En, -999), "-999");
        assert_eq!(format_number(Lang::En, 1000), "1,000");
    }
}
