//! What the login and registration pages share: one form model ([`IdentityForm`]: the
//! IIN/BIN, the password, the one-time code sent and typed, the EDS key file, and the form's
//! state) with sending the code, proving the holder with the EDS authentication key, and
//! turning client-side checks and API answers into the problems the summary and fields show.

use crate::api::ApiError;
use crate::components::form::Problem;
pub use crate::components::form::{for_field, message, required};
use crate::i18n::I18n;
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use qyzmet_domain::api::Problem as ApiProblem;
use qyzmet_domain::api::{CodeSent, SessionView};
use qyzmet_domain::identifiers::AccountId;
use std::future::Future;

/// The IIN/BIN field's check, by the same domain rules the server applies.
pub fn check_login(i18n: I18n, raw: &str) -> Option<Problem> {
    if raw.trim().is_empty() {
        return Some(Problem {
            field: "login".into(),
            message: message(i18n, "form.required", &[]),
        });
    }
    AccountId::parse(raw).err().map(|e| Problem {
        field: "login".into(),
        message: message(i18n, e.code(), &[]),
    })
}

/// An API failure as problems: each field error on its field; anything else (wrong password,
/// a lock with its wait, the server unreachable) on `general_field`.
pub fn from_api(i18n: I18n, err: &ApiError, general_field: &str) -> Vec<Problem> {
    match err.problem() {
        Some(ApiProblem { errors, .. }) if !errors.is_empty() => errors
            .iter()
            .map(|e| {
                let params: Vec<(String, String)> = e
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Problem {
                    field: e.field.clone(),
                    message: message(i18n, &e.code, &params),
                }
            })
            .collect(),
        Some(p) => {
            let params = p
                .retry_after
                .map(|s| vec![("seconds".to_string(), s.to_string())])
                .unwrap_or_default();
            vec![Problem {
                field: general_field.into(),
                message: message(i18n, &p.code, &params),
            }]
        }
        None => vec![Problem {
            field: general_field.into(),
            message: i18n.t(&err.message_key()),
        }],
    }
}

/// The form's state while it talks to the server.
#[derive(Clone, Copy)]
pub struct FormState {
    pub problems: RwSignal<Vec<Problem>>,
    pub busy: RwSignal<bool>,
}

impl FormState {
    pub fn new() -> FormState {
        FormState {
            problems: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
        }
    }

    /// After the client-side checks (`found`): show them, or send `request`; on success keep
    /// the session and go home (or where `?next=` says), on failure show the server's
    /// problems on the form — those that name no field on `general_field`.
    pub fn submit_to<N, F>(
        self,
        general_field: &'static str,
        i18n: I18n,
        session: Session,
        navigate: N,
        found: Vec<Problem>,
        request: impl FnOnce() -> F,
    ) where
        N: Fn(&str, NavigateOptions) + 'static,
        F: Future<Output = Result<SessionView, ApiError>> + 'static,
    {
        if self.busy.get_untracked() {
            return;
        }
        if !found.is_empty() {
            self.problems.set(found);
            return;
        }
        self.busy.set(true);
        let pending = request();
        leptos::task::spawn_local(async move {
            match pending.await {
                Ok(view) => {
                    session.0.set(Some(view));
                    navigate(&after_login(), Default::default());
                }
                Err(e) => self.problems.set(from_api(i18n, &e, general_field)),
            }
            self.busy.set(false);
        });
    }

    pub fn error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || for_field(&self.problems.get(), field))
    }

    pub fn has_problems(self) -> Signal<bool> {
        Signal::derive(move || !self.problems.get().is_empty())
    }
}

/// The form both the login and the registration page are: what was typed, the code sent
/// (`sent`, with the IIN/BIN it was sent for), the key file, and the form's state.
#[derive(Clone, Copy)]
pub struct IdentityForm {
    pub login: RwSignal<String>,
    pub password: RwSignal<String>,
    pub code: RwSignal<String>,
    pub sent: RwSignal<Option<(String, CodeSent)>>,
    pub key: crate::components::key_fields::KeyInput,
    pub state: FormState,
}

impl IdentityForm {
    /// A form starting with `login` typed and, where the server already sent one, its code.
    pub fn new(login: String, sent: Option<CodeSent>) -> IdentityForm {
        IdentityForm {
            sent: RwSignal::new(sent.map(|s| (login.clone(), s))),
            login: RwSignal::new(login),
            password: RwSignal::new(String::new()),
            code: RwSignal::new(String::new()),
            key: crate::components::key_fields::KeyInput::new(),
            state: FormState::new(),
        }
    }

    /// The code sent for the IIN/BIN now typed (a changed number needs a new one).
    pub fn code_sent(self) -> Option<CodeSent> {
        self.sent.with(|s| {
            s.as_ref()
                .filter(|(for_login, _)| *for_login == self.login.get())
                .map(|(_, s)| s.clone())
        })
    }

    /// After the client-side checks (`found`): asks the server to send a code (`request`);
    /// on success keeps it and moves the focus to the code, on failure shows why on the
    /// IIN/BIN (`forget`: the code sent before no longer stands).
    pub fn send_code<F>(
        self,
        i18n: I18n,
        found: Vec<Problem>,
        forget: bool,
        request: impl FnOnce() -> F + 'static,
    ) where
        F: Future<Output = Result<CodeSent, ApiError>> + 'static,
    {
        let state = self.state;
        if state.busy.get_untracked() {
            return;
        }
        if !found.is_empty() {
            state.problems.set(found);
            return;
        }
        let for_login = self.login.get_untracked();
        state.busy.set(true);
        leptos::task::spawn_local(async move {
            match request().await {
                Ok(s) => {
                    state.problems.set(Vec::new());
                    self.code.set(String::new());
                    self.sent.set(Some((for_login, s)));
                    request_animation_frame(|| crate::components::form::focus_by_id("code"));
                }
                Err(e) => {
                    if forget {
                        self.sent.set(None);
                    }
                    state.problems.set(from_api(i18n, &e, "login"));
                }
            }
            state.busy.set(false);
        });
    }
}

/// Proves the holder of a key: the server's one-time challenge signed with the EDS
/// authentication key (a key file or NCALayer); the signature, base64.
pub async fn sign_challenge(
    signer: crate::signer::Signer,
    nonce: &str,
) -> Result<String, ApiError> {
    signer
        .sign(nonce.as_bytes(), crate::signer::Purpose::Authentication)
        .await
        .map_err(signer_problem)
}

/// Only a path on this site may be returned to (never another origin): the domain's check of
/// the text (which refuses what browsers would read as another host, such as `/\t/evil`), then
/// the browser's own URL parser against this page's origin, which must stay the same.
pub fn safe_return(raw: Option<String>) -> Option<String> {
    let path = qyzmet_domain::url::same_site_path(&raw?)?;
    let origin = window().location().origin().ok()?;
    let url = leptos::web_sys::Url::new_with_base(&path, &origin).ok()?;
    (url.origin() == origin).then(|| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
}

/// A signer failure as the API's problem shape, so the form shows it beside its field.
pub fn signer_problem(e: crate::signer::SignError) -> ApiError {
    let field = e.field("eds-file", "eds-password").to_string();
    ApiError::Problem(ApiProblem {
        type_uri: String::new(),
        title: String::new(),
        status: 0,
        code: e.code.clone(),
        detail: None,
        errors: vec![qyzmet_domain::form::FieldError {
            field,
            code: e.code,
            params: Default::default(),
        }],
        retry_after: None,
        current: None,
        message: None,
    })
}

/// Where a login leads: back to the page that asked for it (`?next=`), else home.
pub fn after_login() -> String {
    let search = window().location().search().unwrap_or_default();
    let next = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("next="))
        .and_then(|v| js_sys::decode_uri_component(v).ok())
        .and_then(|v| v.as_string());
    safe_return(next).unwrap_or_else(|| "/".into())
}

#[cfg(test)]
mod tests {
    use crate::components::form::Problem;
    use crate::components::form::for_field;

    #[test]
    fn a_field_shows_the_first_problem_that_names_it() {
        let problems = vec![
            Problem {
                field: "login".into(),
                message: "first".into(),
            },
            Problem {
                field: "password".into(),
                message: "other".into(),
            },
            Problem {
                field: "login".into(),
                message: "second".into(),
            },
        ];
        assert_eq!(for_field(&problems, "login").as_deref(), Some("first"));
        assert_eq!(for_field(&problems, "password").as_deref(), Some("other"));
        assert_eq!(for_field(&problems, "email"), None);
    }
}
