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
        let session = Session(RwSignal::new(crate::handover::preloaded().session));
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
