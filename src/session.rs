//! Who is logged in, for every component: fetched once at start, set by login and
//! registration, cleared by logout.

use leptos::prelude::*;
use qyzmet_domain::api::SessionView;

#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<SessionView>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    pub fn provide() -> Session {
        // The server renders with the session its cookie names; the browser asks once.
        // It counted its time left when the page was drawn, which may be a while ago.
        let drawn = crate::handover::preloaded().session.map(|mut view| {
            let age = crate::handover::page_age_seconds();
            view.seconds_left -= age;
            view.absolute_seconds_left -= age;
            view
        });
        let session = Session(RwSignal::new(drawn));
        provide_context(session);
        if crate::handover::rendered_without_session() {
            // Nobody is logged in (the server just looked): asking would only get a 401.
            return session;
        }
        leptos::task::spawn_local(async move {
            if let Ok(view) = crate::api::session().await {
                session.0.set(Some(view));
            }
        });
        session
    }
}
