//! "Loading the page…": the router counts the pages whose file it waits for (`on_demand`),
//! and this notice shows while the wait is longer than a moment.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use std::time::Duration;

thread_local! {
    /// How many pages the router is waiting for (their file may still be on its way).
    static FETCHING: ArcRwSignal<usize> = ArcRwSignal::new(0);
}

fn fetching() -> ArcRwSignal<usize> {
    FETCHING.with(Clone::clone)
}

/// One page the router waits for; counted off when dropped, so a wait the router abandons
/// (the user went elsewhere first) never leaves "Loading the page…" on screen.
pub struct Waiting(ArcRwSignal<usize>);

impl Waiting {
    pub fn start() -> Waiting {
        let fetching = fetching();
        fetching.update(|n| *n += 1);
        Waiting(fetching)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.update(|n| *n = n.saturating_sub(1));
    }
}

/// "Loading the page…" while the router waits for a page's file longer than a moment (a
/// slow connection), so a click never seems to do nothing; nothing flashes when the file is
/// already here.
#[component]
pub fn FetchingNotice() -> impl IntoView {
    let i18n = use_i18n();
    let fetching = fetching();
    let slow = RwSignal::new(false);
    Effect::new(move |pending: Option<Option<TimeoutHandle>>| {
        if let Some(Some(timer)) = pending {
            timer.clear();
        }
        if fetching.get() == 0 {
            slow.set(false);
            return None;
        }
        let still = fetching.clone();
        set_timeout_with_handle(move || slow.set(still.get_untracked() > 0), NOTICE_AFTER).ok()
    });
    view! {
        <div role="status" class="fetching-notice">
            {move || slow.get().then(|| view! { <p class="notice">{move || i18n.t("on_demand.loading")}</p> })}
        </div>
    }
}

/// Below this a page's arrival feels immediate.
const NOTICE_AFTER: Duration = Duration::from_millis(400);
