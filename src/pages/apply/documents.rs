//! Documents: one slot per required document. Pick a file (or drop it, or take a photo on a
//! phone); it uploads at once with a progress bar and a cancel button. Size, emptiness and
//! type are checked here first so the user hears at once, and again by the server (which
//! reads the file's content, not its name).

use super::steps::{Frame, SaveStatus, header};
use crate::components::account_forms::{from_api, message};
use crate::components::form::{ErrorMessage, Problem};
use crate::components::service_card::document_rules;
use crate::i18n::{I18n, format_number, use_i18n};
use crate::upload::{self, Outcome, Upload};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::File;
use qyzmet_domain::api::DocumentView;
use qyzmet_domain::catalogue::FileType;

/// One slot's upload in progress.
#[derive(Clone)]
struct Running {
    percent: u32,
    file_name: String,
}

fn accept(types: &[FileType]) -> String {
    types
        .iter()
        .flat_map(|t| match t {
            FileType::Pdf => vec![".pdf", "application/pdf"],
            FileType::Jpeg => vec![".jpg", ".jpeg", "image/jpeg"],
            FileType::Png => vec![".png", "image/png"],
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A file's size as people read it: "812 KB", "3.4 MB".
pub fn size_text(i18n: I18n, bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        i18n.t_with(
            "size.kb",
            &[("n", format_number(i18n.lang(), bytes.div_ceil(1024) as i64))],
        )
    } else {
        let tenths = (bytes * 10).div_ceil(1024 * 1024);
        i18n.t_with(
            "size.mb",
            &[("n", format!("{}.{}", tenths / 10, tenths % 10))],
        )
    }
}

/// The checks the browser can make before sending: empty, too big, a type the slot refuses.
fn precheck(i18n: I18n, d: &DocumentView, file: &File) -> Option<String> {
    let size = file.size() as u64;
    if size == 0 {
        return Some(message(i18n, "attachment.empty", &[]));
    }
    if size > u64::from(d.max_size_mb) * 1024 * 1024 {
        return Some(message(
            i18n,
            "attachment.too_large",
            &[("max_mb".into(), d.max_size_mb.to_string())],
        ));
    }
    let name = file.name().to_lowercase();
    let mime = file.type_();
    let allowed = d.types.iter().any(|t| match t {
        FileType::Pdf => mime == "application/pdf" || name.ends_with(".pdf"),
        FileType::Jpeg => mime == "image/jpeg" || name.ends_with(".jpg") || name.ends_with(".jpeg"),
        FileType::Png => mime == "image/png" || name.ends_with(".png"),
    });
    (!allowed).then(|| message(i18n, "attachment.type_not_allowed", &[]))
}

pub fn documents(frame: Frame) -> impl IntoView {
    let i18n = use_i18n();
    let editor = frame.editor;
    let summary = RwSignal::new(Vec::<Problem>::new());
    let docs = editor.variant.with_value(|v| v.documents.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let missing: Vec<Problem> = editor
            .missing_documents()
            .into_iter()
            .map(|id| {
                let name = editor.variant.with_value(|v| {
                    v.documents
                        .iter()
                        .find(|d| d.id == id)
                        .map(|d| d.name.clone())
                });
                Problem {
                    field: format!("documents.{id}"),
                    message: format!(
                        "{}: {}",
                        name.unwrap_or_default(),
                        message(i18n, "document.required", &[])
                    ),
                }
            })
            .collect();
        summary.set(missing.clone());
        if missing.is_empty() {
            frame.save_and_go(frame.next_href());
        }
    };
    view! {
        {header(frame, summary)}
        <p>{move || i18n.t("documents.intro")}</p>
        <form novalidate on:submit=submit>
            {docs.into_iter().map(|d| view! { <Slot frame document=d summary /> }).collect_view()}
            <SaveStatus draft=editor.draft />
            <button type="submit">{move || i18n.t("apply.save_continue")}</button>
        </form>
    }
}

/// One slot's state and what its buttons do; Copy, so every handler can take it.
#[derive(Clone, Copy)]
struct SlotState {
    i18n: I18n,
    draft: super::draft::Draft,
    document: StoredValue<DocumentView>,
    summary: RwSignal<Vec<Problem>>,
    error: RwSignal<Option<String>>,
    running: RwSignal<Option<Running>>,
    handle: StoredValue<Option<Upload>, LocalStorage>,
    announcement: RwSignal<String>,
}

impl SlotState {
    /// The slot's file input id, which the summary's problems name.
    fn field_id(self) -> String {
        self.document.with_value(|d| format!("documents.{}", d.id))
    }

    fn doc_id(self) -> String {
        self.document.with_value(|d| d.id.clone())
    }

    /// Says `text` as this slot's error, on the page and to screen readers.
    fn refuse(self, text: String) {
        self.error.set(Some(text.clone()));
        self.announcement.set(text);
    }

    /// Checks `file` here first, then uploads it with progress; one upload at a time.
    fn send(self, file: File) {
        let i18n = self.i18n;
        if self.running.get_untracked().is_some() {
            return;
        }
        if let Some(problem) = self.document.with_value(|d| precheck(i18n, d, &file)) {
            return self.refuse(problem);
        }
        self.error.set(None);
        let name = file.name();
        self.running.set(Some(Running {
            percent: 0,
            file_name: name.clone(),
        }));
        self.announcement
            .set(i18n.t_with("documents.uploading", &[("file", name.clone())]));
        let running = self.running;
        let progress = move |fraction: f64| {
            running.update(|r| {
                if let Some(r) = r {
                    r.percent = (fraction * 100.0).round() as u32;
                }
            })
        };
        let (id, doc_id, lang) = (self.draft.id(), self.doc_id(), i18n.lang_untracked());
        let done = move |outcome| self.finished(name, outcome);
        match upload::start(&id, &doc_id, &file, lang, progress, done) {
            Some(handle) => self.handle.set_value(Some(handle)),
            None => {
                self.running.set(None);
                self.error.set(Some(i18n.t("error.network")));
            }
        }
    }

    fn finished(self, name: String, outcome: Outcome) {
        let i18n = self.i18n;
        self.running.set(None);
        self.handle.try_set_value(None);
        match outcome {
            Outcome::Stored(view) => {
                self.draft.files_changed(&view);
                let field = self.field_id();
                self.summary.update(|s| s.retain(|p| p.field != field));
                self.announcement
                    .set(i18n.t_with("documents.uploaded", &[("file", name)]));
            }
            Outcome::Failed(e) => {
                let problems = from_api(i18n, &e, "file");
                let text = problems.into_iter().map(|p| p.message).collect::<Vec<_>>();
                self.refuse(text.join(" "));
            }
            Outcome::Cancelled => self.announcement.set(i18n.t("documents.cancelled")),
        }
    }

    /// Removes the slot's file, then puts focus back on its input.
    fn remove(self) {
        let i18n = self.i18n;
        let (doc_id, input_id) = (self.doc_id(), self.field_id());
        leptos::task::spawn_local(async move {
            let lang = i18n.lang_untracked();
            match crate::api::remove_attachment(&self.draft.id(), &doc_id, lang).await {
                Ok(()) => {
                    self.draft
                        .attachments
                        .update(|a| a.retain(|f| f.document_id != doc_id));
                    self.announcement.set(i18n.t("documents.removed"));
                    request_animation_frame(move || {
                        crate::components::form::focus_by_id(&input_id)
                    });
                }
                Err(e) => self.error.set(Some(i18n.t(&e.message_key()))),
            }
        });
    }

    fn cancel(self) {
        self.handle.with_value(|u| {
            if let Some(u) = u {
                u.cancel()
            }
        })
    }
}

/// The file an `<input type=file>` change picked, the input cleared so picking the same file
/// again (after fixing it) fires `change` again.
fn picked_file(ev: &leptos::ev::Event) -> Option<File> {
    let input = ev
        .target()?
        .dyn_into::<leptos::web_sys::HtmlInputElement>()
        .ok()?;
    let file = input.files().and_then(|f| f.get(0));
    input.set_value("");
    file
}

#[component]
fn Slot(frame: Frame, document: DocumentView, summary: RwSignal<Vec<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let draft = frame.editor.draft;
    let slot = SlotState {
        i18n,
        draft,
        document: StoredValue::new(document.clone()),
        summary,
        error: RwSignal::new(None),
        running: RwSignal::new(None),
        handle: StoredValue::new_local(None),
        announcement: RwSignal::new(String::new()),
    };
    let input_id = slot.field_id();
    let (hint_id, error_id) = (format!("{input_id}-hint"), format!("{input_id}-error"));
    let doc_id = document.id.clone();
    let attached = Memo::new(move |_| {
        draft
            .attachments
            .get()
            .into_iter()
            .find(|a| a.document_id == doc_id)
    });
    // The summary's problem for this slot shows beside it too.
    let shown_error = {
        let input_id = input_id.clone();
        Signal::derive(move || {
            slot.error.get().or_else(|| {
                let listed = summary.get().iter().any(|p| p.field == input_id);
                listed.then(|| message(i18n, "document.required", &[]))
            })
        })
    };
    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(file) = picked_file(&ev) {
            slot.send(file);
        }
    };
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            slot.send(file);
        }
    };
    let photos = document
        .types
        .iter()
        .any(|t| matches!(t, FileType::Jpeg | FileType::Png));
    let required = document.required;
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || match shown_error.get() {
            Some(_) => format!("{hint_id} {error_id}"),
            None => hint_id.clone(),
        }
    };
    view! {
        <section
            class="slot field"
            class:field-error=move || shown_error.get().is_some()
            class:dragging=move || dragging.get()
            aria-labelledby=format!("{input_id}-title")
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h2 id=format!("{input_id}-title")>
                {document.name.clone()}
                " "
                <span class="tag">{move || i18n.t(if required { "document.required" } else { "document.optional" })}</span>
            </h2>
            <p class="hint" id=hint_id.clone()>{move || document_rules(i18n, &document)}</p>
            {move || shown_error.get().map(|m| view! { <ErrorMessage id=error_id.clone() message=m /> })}
            {move || attached.get().map(|a| view! {
                <p class="attached">
                    <span aria-hidden="true">"✓ "</span>
                    {a.file_name.clone()} " (" {size_text(i18n, a.size)} ")"
                </p>
                <button type="button" class="secondary" on:click=move |_| slot.remove()>
                    {move || i18n.t_with("documents.remove", &[("file", a.file_name.clone())])}
                </button>
            })}
            <div class="file-pick">
                <label for=input_id.clone()>
                    {move || i18n.t(if attached.get().is_some() { "documents.replace" } else { "documents.choose" })}
                </label>
                <input type="file" id=input_id.clone() accept=slot.document.with_value(|d| accept(&d.types))
                    aria-describedby=described_by.clone() aria-invalid=move || shown_error.get().is_some().then_some("true")
                    on:change=on_pick />
                <p class="drop-hint" aria-hidden="true">{move || i18n.t("documents.drop")}</p>
            </div>
            {photos.then(|| view! {
                <div class="file-pick camera-only">
                    <label for=format!("{input_id}-photo")>{move || i18n.t("documents.photo")}</label>
                    <input type="file" id=format!("{input_id}-photo") accept="image/jpeg,image/png" capture="environment"
                        aria-describedby=described_by on:change=on_pick />
                </div>
            })}
            <UploadProgress progress_id=format!("{input_id}-progress") state=slot />
            <p class="visually-hidden" role="status" aria-live="polite">{move || slot.announcement.get()}</p>
        </section>
    }
}

/// The running upload's progress bar and its cancel button.
#[component]
fn UploadProgress(progress_id: String, state: SlotState) -> impl IntoView {
    let slot = state;
    let i18n = slot.i18n;
    move || {
        slot.running.get().map(|r| {
            view! {
                <div class="upload-progress">
                    <label for=progress_id.clone()>{i18n.t_with("documents.uploading", &[("file", r.file_name.clone())])}</label>
                    <progress id=progress_id.clone() max="100" value=r.percent.to_string()>{format!("{}%", r.percent)}</progress>
                    <span aria-hidden="true">{format!(" {}%", r.percent)}</span>
                    <button type="button" class="secondary" on:click=move |_| slot.cancel()>{i18n.t("documents.cancel")}</button>
                </div>
            }
        })
    }
}
