//! The two inputs of an EDS key file — the `.p12` picker and its password — with their
//! client-side checks. Used wherever someone signs: the sign step, the officer's decision.
//! The file stays a browser `File` (read only when signing); nothing is stored.

use crate::components::form::{Problem, TextField, for_field, required};
use crate::i18n::I18n;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

pub const FILE: &str = "eds-file";
pub const PASSWORD: &str = "eds-password";

/// The chosen key file and password.
#[derive(Clone, Copy)]
pub struct KeyInput {
    pub file: RwSignal<Option<leptos::web_sys::File>, LocalStorage>,
    file_name: RwSignal<String>,
    pub password: RwSignal<String>,
}

impl KeyInput {
    pub fn new() -> KeyInput {
        KeyInput {
            file: RwSignal::new_local(None),
            file_name: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }

    /// Both given, or the problems to show.
    pub fn read(self, i18n: I18n) -> Result<(leptos::web_sys::File, String), Vec<Problem>> {
        let mut found = Vec::new();
        let file = self.file.get_untracked();
        if file.is_none() {
            found.push(Problem {
                field: FILE.into(),
                message: i18n.t("error.eds.no_file"),
            });
        }
        found.extend(required(i18n, PASSWORD, &self.password.get_untracked()));
        match file {
            Some(f) if found.is_empty() => Ok((f, self.password.get_untracked())),
            _ => Err(found),
        }
    }
}

#[component]
pub fn KeyFields(
    key: KeyInput,
    #[prop(into)] problems: Signal<Vec<Problem>>,
    #[prop(into)] hint: Signal<String>,
    /// Called when another file is chosen (what was shown of the last one no longer holds).
    #[prop(optional)]
    on_pick: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let pick = Callback::new(move |ev: leptos::ev::Event| {
        let picked = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        key.file.set(picked);
        if let Some(cb) = on_pick {
            cb.run(());
        }
    });
    view! {
        <TextField
            id=FILE
            label=Signal::derive(move || i18n.t("login.eds.file"))
            hint=hint
            value=key.file_name
            error=Signal::derive(move || for_field(&problems.get(), FILE))
            input_type="file"
            accept=".p12,.pfx,application/x-pkcs12"
            on_change=pick
        />
        <TextField
            id=PASSWORD
            label=Signal::derive(move || i18n.t("login.eds.password"))
            value=key.password
            error=Signal::derive(move || for_field(&problems.get(), PASSWORD))
            input_type="password"
        />
    }
}
