//! The draft being edited: its answers, version and files, and autosave. Every edit is saved
//! after a short pause (debounced); saves never overlap, so the version always moves forward.
//! A save the server refuses as stale (another tab or device saved first) stops autosave and
//! keeps what is on this page until the user chooses which version to keep.

use crate::api::{self, ApiError};
use leptos::prelude::*;
use qyzmet_domain::Lang;
use qyzmet_domain::api::{ApplicationView, AttachmentView, SaveAnswers};
use qyzmet_domain::form::Answers;
use std::time::Duration;

const AUTOSAVE_AFTER: Duration = Duration::from_millis(700);

#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    /// Nothing typed since the page opened.
    Idle,
    /// Typed; the save is waiting for the user to pause, or running.
    Saving,
    /// Saved at this local time (HH:MM).
    Saved(String),
    /// The server could not be reached; the answers stay on the page.
    Offline,
    /// Another tab or device saved first; its version is here.
    Conflict(Box<ApplicationView>),
    /// The server refused the save with this error code.
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Draft {
    pub id: StoredValue<String>,
    pub answers: RwSignal<Answers>,
    pub version: RwSignal<i64>,
    pub attachments: RwSignal<Vec<AttachmentView>>,
    pub state: RwSignal<SaveState>,
    /// Entered at a counter: the person or company it is for (the staff member fills it).
    pub on_behalf: StoredValue<Option<qyzmet_domain::api::OnBehalf>>,
    /// Counts edits; `saved` is the edit count the server has.
    edits: StoredValue<u64>,
    saved: StoredValue<u64>,
    in_flight: StoredValue<bool>,
}

fn now_hhmm() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

impl Draft {
    pub fn new(view: &ApplicationView) -> Draft {
        Draft {
            id: StoredValue::new(view.id.clone()),
            answers: RwSignal::new(view.answers.clone()),
            version: RwSignal::new(view.version),
            attachments: RwSignal::new(view.attachments.clone()),
            state: RwSignal::new(SaveState::Idle),
            on_behalf: StoredValue::new(view.on_behalf.clone()),
            edits: StoredValue::new(0),
            saved: StoredValue::new(0),
            in_flight: StoredValue::new(false),
        }
    }

    pub fn id(self) -> String {
        self.id.get_value()
    }

    /// Changes the answers and schedules a save.
    pub fn edit(self, lang: Lang, change: impl FnOnce(&mut Answers)) {
        self.answers.update(change);
        self.edits.update_value(|n| *n += 1);
        if matches!(self.state.get_untracked(), SaveState::Conflict(_)) {
            // The user decides first; what they type stays on the page meanwhile.
            return;
        }
        self.state.set(SaveState::Saving);
        let edit = self.edits.get_value();
        set_timeout(
            move || {
                // The page may be gone by now (the user moved on and the save ran then).
                if self.edits.try_get_value() == Some(edit) {
                    leptos::task::spawn_local(async move {
                        self.save(lang).await;
                    });
                }
            },
            AUTOSAVE_AFTER,
        );
    }

    fn dirty(self) -> bool {
        self.edits.try_get_value() != self.saved.try_get_value()
    }

    /// Whether the page that owns this draft is still shown (async work may outlive it).
    fn alive(self) -> bool {
        self.in_flight.try_get_value().is_some()
    }

    /// Saves now if anything is unsaved; true when the server has everything.
    pub async fn save(self, lang: Lang) -> bool {
        while self.in_flight.try_get_value() == Some(true) {
            crate::timer::sleep(50).await;
        }
        if !self.alive() || matches!(self.state.try_get_untracked(), Some(SaveState::Conflict(_))) {
            return false;
        }
        if !self.dirty() {
            return true;
        }
        self.in_flight.set_value(true);
        let edit = self.edits.get_value();
        let req = SaveAnswers {
            version: self.version.get_untracked(),
            answers: self.answers.get_untracked(),
        };
        let outcome = api::save_answers(&self.id(), &req, lang).await;
        if !self.alive() {
            return outcome.is_ok();
        }
        self.in_flight.set_value(false);
        match outcome {
            Ok(view) => {
                self.version.set(view.version);
                self.saved.set_value(edit);
                if self.dirty() {
                    // Typed while this save ran: the scheduled save picks it up.
                    self.state.set(SaveState::Saving);
                    Box::pin(self.save(lang)).await
                } else {
                    self.state.set(SaveState::Saved(now_hhmm()));
                    true
                }
            }
            Err(ApiError::Problem(p)) if p.code == "application.version_conflict" => {
                match p.current {
                    Some(current) => self.state.set(SaveState::Conflict(current)),
                    None => self.state.set(SaveState::Failed(p.code)),
                }
                false
            }
            Err(ApiError::Problem(p)) => {
                self.state.set(SaveState::Failed(p.code));
                false
            }
            Err(ApiError::Network) => {
                self.state.set(SaveState::Offline);
                false
            }
        }
    }

    /// Conflict resolved by keeping this page's answers: they overwrite the other version.
    pub fn keep_mine(self, lang: Lang) {
        if let SaveState::Conflict(current) = self.state.get_untracked() {
            self.version.set(current.version);
            self.attachments.set(current.attachments.clone());
            self.state.set(SaveState::Saving);
            leptos::task::spawn_local(async move {
                self.save(lang).await;
            });
        }
    }

    /// Conflict resolved by taking the other tab's or device's version.
    pub fn take_theirs(self) {
        if let SaveState::Conflict(current) = self.state.get_untracked() {
            self.answers.set(current.answers.clone());
            self.version.set(current.version);
            self.attachments.set(current.attachments.clone());
            self.saved.set_value(self.edits.get_value());
            self.state.set(SaveState::Saved(now_hhmm()));
        }
    }

    /// After an upload: the server's view of the files. Files do not move the answers'
    /// version, so a newer one here is another tab's save, for the next save to detect.
    pub fn files_changed(self, view: &ApplicationView) {
        self.attachments.set(view.attachments.clone());
    }
}
