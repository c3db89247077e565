//! Pages fetched when first opened. The build (`cargo xtask`'s app build) cuts the wasm at each
//! `#[wasm_split]` function below: the first load carries the shell and what every page
//! shares; each area (see below) comes as its own file when a route needs it, code
//! shared by several areas in chunks of their own. After the first page is up, the area the
//! visitor goes on to is fetched in the background (`warm_up`), so a connection lost later
//! still finds it.
//!
//! A page that cannot be fetched (offline, server gone) shows a page that says so and tries
//! again on request; it never takes the app down (`fallible`: a failed load is an `Err`, not
//! a panic, which on wasm would abort the whole module).

use crate::components::page_title::PageTitle;
use crate::i18n::use_i18n;
use crate::session::Session;
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use leptos_router::ChooseView;
use qyzmet_domain::api::Role;
use qyzmet_domain::route::{Area, PageKind};
use std::time::Duration;

pub use crate::areas::PageNotLoaded;

/// A route's page, by kind: the router's `view` for every route (`app.rs`). Which area's
/// file a page is in is decided by one exhaustive match ([`load`]).
#[derive(Clone, Copy)]
pub struct OnDemand(pub PageKind);

impl ChooseView for OnDemand {
    async fn choose(self) -> AnyView {
        let waiting = crate::components::fetching_notice::Waiting::start();
        let page = load(self.0).await;
        drop(waiting);
        match page {
            Ok(page) => {
                // The page was set up in the task its file arrived in; it is drawn in the
                // next, so neither is a long task on a phone (functions compile as they first
                // run, and both are first runs).
                #[cfg(target_family = "wasm")]
                crate::timer::sleep(0).await;
                crate::handover::built();
                page
            }
            Err(PageNotLoaded) => view! { <NotLoaded load=self /> }.into_any(),
        }
    }

    async fn preload(&self) {}
}

/// One page in a split file: `split_page!(area, function, Page)` puts `Page` in the file
/// `area` (several pages share one), and `function` draws it once the file is there.
macro_rules! split_page {
    ($area:ident, $function:ident, $page:path $(, preload($preload:ident))?) => {
        #[wasm_split($area, wasm_split_path = ::leptos::wasm_split, fallible $(, preload($preload))?)]
        pub fn $function() -> Result<AnyView, PageNotLoaded> {
            // Drawn inside the router's future: untracked, like any component, so the
            // signals a page reads while it is set up never redraw the whole page.
            Ok(untrack(|| $page().into_any()))
        }
    };
}

// The areas (`qyzmet_domain::route::Area`, which a test holds these lines to), as people use
// the portal: what anyone opens (the catalogue, a service page, log in, register); an
// applicant's cabinet and requests; the editor; signing; an officer's pages. The editor and
// signing are areas of their own because a phone opening one pays for it alone (#28). The
// catalogue is not in the main file, which every page loads, nor in an area of its own: code
// shared by several areas goes in a chunk per combination of them, and an area for the
// catalogue alone (measured) took 40 KB off the main file but cut the rest into 80 chunks,
// the form page's share of them in 43 requests, for a gain of 7 KB; in the visitor's area,
// 50 chunks and the form page 18 KB lighter.
split_page!(entry, home, crate::pages::home::Home);
split_page!(
    entry,
    login,
    crate::pages::login::Login,
    preload(warm_up_entry)
);
split_page!(entry, register, crate::pages::register::Register);
split_page!(
    entry,
    test_sms_outbox,
    crate::pages::sms_outbox::TestSmsOutbox
);
split_page!(entry, service, crate::pages::service::ServicePage);
split_page!(entry, verify, crate::pages::verify::Verify);
split_page!(
    applicant,
    cabinet,
    crate::pages::cabinet::Cabinet,
    preload(warm_up_applicant)
);
split_page!(applicant, test_gateway, crate::pages::gateway::TestGateway);
split_page!(applicant, request, crate::pages::request::Request);
split_page!(
    application,
    apply,
    crate::pages::apply::Apply,
    preload(warm_up_application)
);
split_page!(
    signing,
    sign,
    crate::pages::sign::Sign,
    preload(warm_up_signing)
);
split_page!(
    officer,
    officer_queue,
    crate::pages::officer::Queue,
    preload(warm_up_officer)
);
split_page!(
    officer,
    officer_request,
    crate::pages::officer::OfficerRequest
);
split_page!(officer, admin_staff, crate::pages::admin::StaffAdmin);
split_page!(officer, counter, crate::pages::counter::CounterDesk);

/// The page of `kind`, its area's file fetched first if it is not here yet. A TEST double's
/// page is "not found" where the server does not run that double.
pub async fn load(kind: PageKind) -> Result<AnyView, PageNotLoaded> {
    use crate::pages::not_found::NotFound;
    let doors = crate::handover::test_doors();
    match kind {
        PageKind::Home => home().await,
        PageKind::NotFound => Ok(NotFound().into_any()),
        PageKind::Login => login().await,
        PageKind::Register => register().await,
        PageKind::TestSmsOutbox if doors.sms_outbox => test_sms_outbox().await,
        PageKind::Service => service().await,
        PageKind::Verify => verify().await,
        PageKind::Cabinet => cabinet().await,
        PageKind::Apply => {
            // A draft opened on one of its steps: the step pages' file is asked with the
            // editor's, so the app draws the step the server drew before taking its place.
            let at_a_step = at_a_step();
            if at_a_step {
                leptos::task::spawn_local(async {
                    let _ = crate::pages::apply::fetch_step_pages().await;
                });
            }
            let page = apply().await;
            if at_a_step {
                // The same fetch (one load per file), awaited; a failure shows on the step.
                let _ = crate::pages::apply::fetch_step_pages().await;
            }
            page
        }
        PageKind::TestPaymentGateway if doors.payment_gateway => test_gateway().await,
        PageKind::TestSmsOutbox | PageKind::TestPaymentGateway => Ok(NotFound().into_any()),
        PageKind::Sign => sign().await,
        PageKind::Request => request().await,
        PageKind::OfficerQueue => officer_queue().await,
        PageKind::OfficerRequest => officer_request().await,
        PageKind::AdminStaff => admin_staff().await,
        PageKind::Counter => counter().await,
    }
}

/// After the first page is up, the area the visitor goes on to, fetched in the background:
/// the entry area for a visitor, the role's pages for someone logged in. Not on the editor or
/// the signing page: the applicant is at work there, on a phone plan that pays for every
/// byte (#28); the editor asks for signing's area itself when the applicant reaches the
/// step before it (`areas::ahead`, which `warm_up` provides).
pub fn warm_up(session: Session) {
    // Pages ask for an area ahead through `areas::ahead` (they cannot import this module,
    // which names them all).
    #[cfg(target_family = "wasm")]
    provide_context(crate::areas::Ahead(fetch_ahead));
    let mut entry_started = false;
    // An effect: it runs in the browser only, never while the server draws the page.
    Effect::new(move |_| {
        let role = session.0.with(|s| s.as_ref().map(|s| s.account.role));
        let first = !std::mem::replace(&mut entry_started, true);
        let fetch = move || {
            let logged_in = session.0.with_untracked(Option::is_some);
            // The entry area (service page, login, registration) is a visitor's next step;
            // someone logged in comes to it seldom, and it comes when they do.
            if first && !logged_in {
                fetch_ahead(Area::Entry);
            }
            let at_work = matches!(current_page().area(), Area::Application | Area::Signing);
            match role {
                Some(Role::Officer | Role::Administrator) => fetch_ahead(Area::Officer),
                Some(_) if !at_work => fetch_ahead(Area::Applicant),
                Some(_) | None => {}
            }
        };
        set_timeout(fetch, WARM_UP_AFTER);
    });
}

fn fetch_ahead(area: Area) {
    if saves_data() {
        // The visitor asked their browser to spend as little as it can: areas come only
        // when a page of theirs opens.
        return;
    }
    when_online(move || {
        leptos::task::spawn_local(async move {
            let _ = match area {
                Area::Main => Ok(()),
                Area::Entry => warm_up_entry().await,
                Area::Applicant => warm_up_applicant().await,
                Area::Application => warm_up_application().await,
                Area::Signing => warm_up_signing().await,
                Area::Officer => warm_up_officer().await,
            };
        })
    });
}

/// Whether the browser's address names one of the editor's steps (`?step=`).
fn at_a_step() -> bool {
    #[cfg(target_family = "wasm")]
    {
        let search = window().location().search().unwrap_or_default();
        search
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair.starts_with("step="))
    }
    #[cfg(not(target_family = "wasm"))]
    false
}

/// The kind of page at the browser's address now.
fn current_page() -> PageKind {
    let path = window().location().pathname().unwrap_or_default();
    qyzmet_domain::route::Page::parse(&path).kind()
}

/// Whether the browser says its user wants to save data (`Save-Data`, the Network
/// Information API; absent where the browser does not say).
fn saves_data() -> bool {
    let navigator = window().navigator();
    js_sys::Reflect::get(&navigator, &"connection".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Runs `f` now if the browser is online, else once when it comes back online.
fn when_online(f: impl FnOnce() + 'static) {
    if window().navigator().on_line() {
        return f();
    }
    let pending = std::cell::Cell::new(Some(f));
    // One listener per offline warm-up, spent after its first run; not worth removing.
    let _ = window_event_listener(leptos::ev::online, move |_| {
        if let Some(f) = pending.take() {
            f();
        }
    });
}

/// Long enough for the first page to have drawn and fetched its own data.
const WARM_UP_AFTER: Duration = Duration::from_millis(1500);

/// The page shown when a page's file could not be fetched; "Try again" fetches it again and
/// draws the page in its place.
#[component]
fn NotLoaded(load: OnDemand) -> impl IntoView {
    let i18n = use_i18n();
    let page = StoredValue::new_local(None::<AnyView>);
    let loaded = RwSignal::new(false);
    let trying = RwSignal::new(false);
    // The page is drawn under this component's owner, where the app's contexts (language,
    // session, router) are; a click handler runs outside it. Leaving the page cancels the try.
    let owner = Owner::current();
    let retry = move |_| {
        trying.set(true);
        let fetch = async move {
            let result = crate::on_demand::load(load.0).await;
            trying.try_set(false);
            if let Ok(view) = result
                && page.try_set_value(Some(view)).is_none()
            {
                loaded.try_set(true);
            }
        };
        match &owner {
            Some(owner) => owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(fetch)),
            None => leptos::task::spawn_local(fetch),
        }
    };
    // The page once fetched, taken out of its store the one time it is drawn.
    let fetched = move || {
        loaded
            .get()
            .then(|| page.try_update_value(Option::take))
            .flatten()
            .flatten()
    };
    move || {
        match fetched() {
        Some(view) => view,
        None => view! {
            <PageTitle text=Signal::derive(move || i18n.t("on_demand.title")) error=Signal::derive(|| true) />
            <div class="notice notice-warning" role="alert">
                <p>{move || i18n.t("on_demand.text")}</p>
            </div>
            <p>
                <button type="button" on:click=retry.clone() disabled=move || trying.get()>
                    {move || i18n.t("on_demand.retry")}
                </button>
            </p>
        }
        .into_any(),
    }
    }
}

#[cfg(test)]
mod tests {
    use qyzmet_domain::route::{Area, PageKind};

    /// Each page's `split_page!` line puts it in the area the route table names, so what
    /// `warm_up` fetches ahead for an area is the file its pages are in.
    #[test]
    fn every_page_is_cut_into_the_area_the_route_table_names() {
        let source: String = include_str!("on_demand.rs")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // `split_page!(area,function,…`: the area of each loader.
        let area_of: std::collections::HashMap<&str, &str> = source
            .split("split_page!(")
            .skip(2) // the macro's own definition and its use in a comment
            .filter_map(|rest| {
                let mut parts = rest.split(',');
                let area = parts.next()?;
                Some((parts.next()?, area))
            })
            .collect();
        for kind in PageKind::ALL {
            // `PageKind::Login=>login().await,` (a guard allowed, or a block): the split
            // page loaded in each arm of the kind (no kind's name begins another's).
            let named = format!("PageKind::{kind:?}");
            let loader = source
                .split(&named)
                .skip(1)
                .filter_map(|rest| rest.split_once("=>"))
                .flat_map(|(_, arm)| {
                    let arm = arm.split("PageKind::").next().unwrap_or("");
                    arm.split("().await")
                        .map(|before| {
                            let start = before
                                .rfind(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                                .map_or(0, |i| i + 1);
                            &before[start..]
                        })
                        .collect::<Vec<_>>()
                })
                .find(|f| area_of.contains_key(f));
            match (kind.area(), loader) {
                (Area::Main, None) => {}
                (area, Some(loader)) => assert_eq!(
                    area_of.get(loader).copied(),
                    Some(area.name()),
                    "{kind:?} is loaded by {loader}"
                ),
                (area, None) => panic!("{kind:?} (area {area:?}) has no loader in `load`"),
            }
        }
    }
}
