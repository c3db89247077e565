//! The home page: what the portal is for and the catalogue of services, searched as you type
//! (in the chosen language and the other two) and filtered by who may apply, category and
//! channel.

use crate::api;
use crate::components::page_title::PageTitle;
use crate::components::service_card::ServiceCard;
use crate::handover::NextTask;
use crate::i18n::use_i18n;
use crate::page_data::PageData;
use leptos::prelude::*;
use qyzmet_domain::api::ServiceSummary;
use qyzmet_domain::catalogue::Category;

/// A word without its last vowel when long enough: Kazakh and Russian inflect nouns ("опека"
/// finds "опеки", "қамқоршылық" finds "қамқоршылыққа"), and a shorter prefix matches them all.
fn stem(word: &str) -> &str {
    const VOWELS: &str = "аәеёиіоөуұүыэюяьйaeiouy";
    let mut chars = word.char_indices().rev();
    match chars.next() {
        Some((i, last)) if word.chars().count() >= 5 && VOWELS.contains(last) => &word[..i],
        _ => word,
    }
}

/// Whether every word of `query` (stemmed) is in one of `texts`, case aside.
/// An empty query matches everything.
fn matches_text<'a>(query: &str, texts: impl Iterator<Item = &'a str> + Clone) -> bool {
    let query = query.trim().to_lowercase();
    query
        .split_whitespace()
        .map(stem)
        .all(|word| texts.clone().any(|t| t.to_lowercase().contains(word)))
}

/// The filters, also the catalogue form's fields: without script the form is sent as a GET
/// (`/?q=…&who=…`) and the server renders the page filtered; with script it filters as you type.
#[derive(Clone, Default)]
struct Filters {
    text: RwSignal<String>,
    who: RwSignal<String>,
    category: RwSignal<String>,
    channel: RwSignal<String>,
}

impl Filters {
    /// The filters the address asks for.
    fn from_query() -> Filters {
        let query = leptos_router::hooks::use_query_map();
        let field =
            |name: &str| RwSignal::new(query.with_untracked(|q| q.get(name)).unwrap_or_default());
        Filters {
            text: field("q"),
            who: field("who"),
            category: field("category"),
            channel: field("channel"),
        }
    }

    fn admits(&self, s: &ServiceSummary) -> bool {
        let texts = std::iter::once(s.name.as_str())
            .chain(s.other_names.iter().map(String::as_str))
            .chain(std::iter::once(s.description.as_str()));
        let matches_text = matches_text(&self.text.get(), texts);
        let who = match self.who.get().as_str() {
            "individual" => s.applicants.admits_individual(),
            "company" => s.applicants.admits_company(),
            _ => true,
        };
        let category = self.category.get();
        let channel = match self.channel.get().as_str() {
            "online" => s.online,
            "office" => !s.online,
            _ => true,
        };
        matches_text && who && (category.is_empty() || s.category.code() == category) && channel
    }
}

fn select(
    id: &'static str,
    label_key: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label_key)}</label>
            <select id=id name=id.trim_start_matches("filter-") on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.get().is_empty()>{move || i18n.t("home.filter.any")}</option>
                {options.into_iter().map(|(v, key)| {
                    let selected = v.clone();
                    view! { <option value=v selected=move || value.get() == selected>{move || i18n.t(&key)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    // The catalogue the page came with; refetched when the language changes (the server
    // answers in the language asked).
    let fetched = PageData::new(
        crate::handover::preloaded()
            .services
            .and_then(|sent| sent.read())
            .map(Ok),
        move || i18n.lang(),
        api::services,
    );
    let services = fetched.handed_over();
    let filters = Filters::from_query();
    let f = filters.clone();
    let shown = Memo::new(move |_| {
        services.get().and_then(|r| r.ok()).map(|list| {
            list.services
                .into_iter()
                .filter(|s| f.admits(s))
                .collect::<Vec<_>>()
        })
    });
    let categories = || {
        Category::ALL
            .iter()
            .map(|c| (c.code().to_string(), format!("category.{}", c.code())))
            .collect()
    };
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("home.title")) />
        <p class="lead">{move || i18n.t("home.intro")}</p>
        <section aria-labelledby="catalogue-heading">
            <h2 id="catalogue-heading">{move || i18n.t("home.catalogue")}</h2>
            <NextTask>
            <form class="filters" role="search" method="get" action="/" on:submit=|ev| {
                // The list already follows the fields; the button takes the reader to it.
                ev.prevent_default();
                crate::components::form::focus_by_id("catalogue-count");
            }>
                <div class="field search-field">
                    <label for="search">{move || i18n.t("home.search")}</label>
                    <p class="hint" id="search-hint">{move || i18n.t("home.search_hint")}</p>
                    <input id="search" name="q" type="search" autocomplete="off" aria-describedby="search-hint"
                        value=filters.text.get_untracked()
                        prop:value=move || filters.text.get()
                        on:input=move |ev| filters.text.set(event_target_value(&ev)) />
                </div>
                {select("filter-who", "home.filter.who", filters.who, vec![
                    ("individual".into(), "applicants.individual".into()),
                    ("company".into(), "applicants.company".into()),
                ])}
                {select("filter-category", "home.filter.category", filters.category, categories())}
                {select("filter-channel", "home.filter.channel", filters.channel, vec![
                    ("online".into(), "service.online".into()),
                    ("office".into(), "service.office_only".into()),
                ])}
                <button type="submit" class="secondary filters-submit">{move || i18n.t("home.filter.apply")}</button>
            </form>
            </NextTask>
            {move || {
                services.get().map(|result| match result {
                    Ok(_) => {
                        let list = shown.get().unwrap_or_default();
                        let count = list.len();
                        view! {
                            <p class="count" id="catalogue-count" role="status" tabindex="-1">
                                {move || i18n.t_with("home.count", &[("n", count.to_string())])}
                            </p>
                            <NextTask>
                                <ul class="service-list" role="list">
                                    {list
                                        .iter()
                                        .cloned()
                                        .map(|s| view! { <li><ServiceCard service=s /></li> })
                                        .collect_view()}
                                </ul>
                            </NextTask>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        let key = e.message_key();
                        view! {
                            <div class="notice notice-error" role="alert">
                                <p>{move || i18n.t("home.load_failed")} " " {move || i18n.t(&key)}</p>
                                <button type="button" on:click=move |_| fetched.refetch()>
                                    {move || i18n.t("home.retry")}
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{matches_text, stem};

    #[test]
    fn long_words_lose_their_last_vowel_so_inflections_match() {
        assert_eq!(stem("опека"), "опек");
        assert_eq!(stem("қамқоршылық"), "қамқоршылық");
        assert_eq!(stem("лицензия"), "лицензи");
        // Short words are kept whole: "дом" must not become "до".
        assert_eq!(stem("дом"), "дом");
        assert_eq!(stem("grain"), "grain");
    }

    #[test]
    fn every_word_must_be_found_in_some_language_or_the_description() {
        let texts = [
            "Опеки над ребёнком",
            "Қамқоршылыққа алу",
            "Guardianship of a child",
        ];
        let found = |q: &str| matches_text(q, texts.iter().copied());
        assert!(found(""));
        assert!(found("опеки"));
        assert!(found("ОПЕКА ребёнком"));
        assert!(found("қамқоршылық"));
        assert!(found("guardianship"));
        assert!(!found("опека лицензия"));
        assert!(!found("grain"));
    }
}
