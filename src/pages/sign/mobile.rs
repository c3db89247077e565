//! Signing with eGov mobile, beside the key file and NCALayer: the page asks the server for a
//! link, shows it as a QR code to scan and, for a phone, a button that opens the app with it;
//! then it waits — polling the link's state — until the phone has signed (the registration
//! appears), refused (the reason, with a way to try again) or the link has expired.

use crate::api::{self, ApiError};
use crate::components::account_forms::{from_api, message};
use crate::components::form::{Problem, focus_by_id};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use qyzmet_domain::api::{ApplicationView, MobileSignView};

/// The id the error summary links to for a refusal from the phone.
const START: &str = "mobile-sign-start";
/// How often the page asks whether the phone has signed.
const POLL_MS: i32 = 2000;

/// `HH:MM`, Kazakhstan time, of an RFC 3339 moment.
fn clock(rfc3339: &str) -> String {
    crate::kz_time::local(rfc3339)
        .map(|at| format!("{:02}:{:02}", at.hour(), at.minute()))
        .unwrap_or_default()
}

#[derive(Clone, PartialEq)]
enum Stage {
    Idle,
    Waiting(MobileSignView),
    Expired,
}

/// The eGov mobile section of the sign page for application `id`; `registered` receives the
/// request once the phone's signature registered it.
#[component]
pub fn MobileSign(
    id: String,
    problems: RwSignal<Vec<Problem>>,
    registered: Callback<ApplicationView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Idle);
    let busy = RwSignal::new(false);
    // Polling stops when the page goes away (or a newer link replaces this one).
    let generation = StoredValue::new(0u32);
    on_cleanup(move || generation.update_value(|g| *g += 1));
    let id = StoredValue::new(id);

    let watch = move |link: String, mine: u32| {
        leptos::task::spawn_local(async move {
            let app_id = id.get_value();
            loop {
                crate::timer::sleep(POLL_MS).await;
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                let lang = i18n.lang();
                let state = match api::mobile_sign_status(&app_id, &link, lang).await {
                    Ok(s) => s,
                    // A blip of the network: keep waiting while the link lives.
                    Err(ApiError::Network) => continue,
                    Err(e) => {
                        problems.set(from_api(i18n, &e, START));
                        stage.set(Stage::Idle);
                        return;
                    }
                };
                match state.state.as_str() {
                    "waiting" => continue,
                    "signed" => {
                        match api::application(&app_id, lang).await {
                            Ok(view) => registered.run(view),
                            Err(e) => problems.set(from_api(i18n, &e, START)),
                        }
                        return;
                    }
                    "expired" => {
                        stage.set(Stage::Expired);
                        request_animation_frame(|| focus_by_id("mobile-sign-expired"));
                        return;
                    }
                    _ => {
                        let code = state.problem.unwrap_or_else(|| "internal".into());
                        problems.set(vec![Problem {
                            field: START.into(),
                            message: message(i18n, &code, &[]),
                        }]);
                        stage.set(Stage::Idle);
                        return;
                    }
                }
            }
        });
    };

    let start = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::start_mobile_sign(&id.get_value(), i18n.lang()).await {
                Ok(view) => {
                    problems.set(Vec::new());
                    generation.update_value(|g| *g += 1);
                    let link = view.id.clone();
                    stage.set(Stage::Waiting(view));
                    request_animation_frame(|| focus_by_id("mobile-sign-waiting"));
                    watch(link, generation.get_value());
                }
                Err(e) => problems.set(from_api(i18n, &e, START)),
            }
            busy.set(false);
        });
    };

    view! {
        <section aria-labelledby="mobile-sign-title">
            <h2 id="mobile-sign-title">{move || i18n.t("sign.mobile")}</h2>
            <p>{move || i18n.t("sign.mobile_intro")}</p>
            {move || match stage.get() {
                Stage::Waiting(link) => {
                    let until = link.expires_at.clone();
                    view! {
                        <div class="panel" id="mobile-sign-waiting" tabindex="-1">
                            <img class="qr" src=link.qr_image width="240" height="240"
                                alt=move || i18n.t("sign.mobile_qr_alt") />
                            <p><a class="button" href=link.cross_link>{move || i18n.t("sign.mobile_open")}</a></p>
                            <p role="status">{move || i18n.t_with("sign.mobile_waiting", &[("time", clock(&until))])}</p>
                        </div>
                    }
                        .into_any()
                }
                Stage::Expired => view! {
                    <div class="notice" id="mobile-sign-expired" tabindex="-1" role="status">
                        <p>{move || i18n.t("sign.mobile_expired")}</p>
                    </div>
                    <button type="button" id=START class="secondary" on:click=start aria-disabled=move || busy.get().then_some("true")>
                        {move || i18n.t("sign.mobile_again")}
                    </button>
                }
                    .into_any(),
                Stage::Idle => view! {
                    <button type="button" id=START class="secondary" on:click=start aria-disabled=move || busy.get().then_some("true")>
                        {move || i18n.t("sign.mobile_start")}
                    </button>
                }
                    .into_any(),
            }}
        </section>
    }
}
