//! The administrator's staff page: every provider's staff with their roles (office clerk,
//! head, executor), a person of the registry added to a provider, roles changed, a member
//! disabled — and the audit of every such change.

use crate::api;
use crate::components::account_forms::{for_field, from_api};
use crate::components::form::{ErrorMessage, ErrorSummary, Problem};
use crate::components::page_title::PageTitle;
use crate::i18n::{I18n, use_i18n};
use leptos::prelude::*;
use qyzmet_domain::api::{NewStaff, StaffChange, StaffList, StaffMemberView};
use qyzmet_domain::process::Performer;

fn role_names(i18n: I18n, roles: &[Performer]) -> String {
    roles
        .iter()
        .map(|r| i18n.t(&format!("performer.{}", r.code())))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn StaffAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(None::<StaffList>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let announcement = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let load = move || {
        let lang = i18n.lang();
        leptos::task::spawn_local(async move {
            match api::admin_staff(lang).await {
                Ok(l) => list.set(Some(l)),
                Err(e) => problems.set(from_api(i18n, &e, "staff")),
            }
        });
    };
    Effect::new(move |_| load());
    // After a change: the list as the server has it now, announced; or what went wrong.
    let done = move |result: Result<StaffList, api::ApiError>, field: &'static str| {
        match result {
            Ok(l) => {
                list.set(Some(l));
                problems.set(Vec::new());
                announcement.set(i18n.t("admin.saved"));
            }
            Err(e) => problems.set(from_api(i18n, &e, field)),
        }
        busy.set(false);
    };
    let on_change = Callback::new(move |(id, change): (i64, StaffChange)| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let lang = i18n.lang();
        leptos::task::spawn_local(async move {
            done(api::admin_change_staff(id, &change, lang).await, "roles");
        });
    });
    let on_add = Callback::new(move |new: NewStaff| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let lang = i18n.lang();
        leptos::task::spawn_local(async move {
            done(api::admin_add_staff(&new, lang).await, "iin");
        });
    });
    view! {
        <PageTitle text=Signal::derive(move || i18n.t("admin.title")) error=Signal::derive(move || !problems.get().is_empty()) />
        <ErrorSummary problems=problems heading=Signal::derive(move || i18n.t("form.error_summary")) />
        <p role="status" class="live-announcement" hidden=move || announcement.get().is_empty()>{move || announcement.get()}</p>
        {move || list.get().map(|l| view! {
            <AddStaff list=l.clone() problems busy on_add />
            <StaffTable list=l busy on_change />
        })}
        <Audit />
        <DataReads />
    }
}

/// A person of the registry added to a provider with their roles.
#[component]
fn AddStaff(
    list: StaffList,
    problems: RwSignal<Vec<Problem>>,
    busy: RwSignal<bool>,
    on_add: Callback<NewStaff>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (iin, provider, email) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let roles = RwSignal::new(Vec::<Performer>::new());
    let error = move |field: &'static str| move || for_field(&problems.get(), field);
    let providers = list
        .providers
        .into_iter()
        .map(|p| view! { <option value=p.id>{p.name}</option> })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_add.run(NewStaff {
            iin: iin.get_untracked(),
            provider_id: provider.get_untracked(),
            roles: roles.get_untracked(),
            email: email.get_untracked(),
        });
    };
    view! {
        <section aria-labelledby="add-staff-title">
            <h2 id="add-staff-title">{move || i18n.t("admin.add_title")}</h2>
            <p class="hint">{move || i18n.t("admin.add_hint")}</p>
            <form class="narrow" novalidate on:submit=submit>
                <div class="field" class:field-error=move || error("iin")().is_some()>
                    <label for="iin">{move || i18n.t("admin.iin")}</label>
                    {move || error("iin")().map(|m| view! { <ErrorMessage id="iin-error" message=m /> })}
                    <input id="iin" inputmode="numeric" autocomplete="off" maxlength="12"
                        aria-describedby=move || error("iin")().is_some().then_some("iin-error")
                        aria-invalid=move || error("iin")().is_some().then_some("true")
                        prop:value=move || iin.get() on:input=move |ev| iin.set(event_target_value(&ev)) />
                </div>
                <div class="field" class:field-error=move || error("provider_id")().is_some()>
                    <label for="provider_id">{move || i18n.t("admin.provider")}</label>
                    {move || error("provider_id")().map(|m| view! { <ErrorMessage id="provider_id-error" message=m /> })}
                    <select id="provider_id"
                        aria-describedby=move || error("provider_id")().is_some().then_some("provider_id-error")
                        aria-invalid=move || error("provider_id")().is_some().then_some("true")
                        on:change=move |ev| {
                            let body = event_target_value(&ev);
                            // Roles the new body's staff do not hold are dropped.
                            roles.update(|r| r.retain(|x| Performer::staff_roles(&body).contains(x)));
                            provider.set(body);
                        }>
                        <option value="">{move || i18n.t("process.choose")}</option>
                        {providers}
                    </select>
                </div>
                <RoleChoice id="roles" body=Signal::derive(move || provider.get()) roles problems />
                <div class="field">
                    <label for="staff-email">{move || i18n.t("admin.email")}</label>
                    <input id="staff-email" type="email" autocomplete="off"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </div>
                <button type="submit" aria-disabled=move || busy.get().then_some("true")>{move || i18n.t("admin.add_button")}</button>
            </form>
        </section>
    }
}

/// The roles the staff of `body` hold, as checkboxes, with their error tied to the group.
#[component]
fn RoleChoice(
    #[prop(into)] id: String,
    body: Signal<String>,
    roles: RwSignal<Vec<Performer>>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Only the add form's choice carries the server's field error ("roles").
    let add_form = id == "roles";
    let error = move || for_field(&problems.get(), "roles").filter(|_| add_form);
    let prefix = id.clone();
    let boxes = move || {
        let id = prefix.clone();
        body.with(|b| Performer::staff_roles(b))
        .iter()
        .copied()
        .map(|role| {
            let box_id = format!("{id}-{}", role.code());
            let label_for = box_id.clone();
            view! {
                <div class="radio">
                    <input type="checkbox" id=box_id
                        prop:checked=move || roles.with(|r| r.contains(&role))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            roles.update(|r| {
                                r.retain(|x| *x != role);
                                if on {
                                    r.push(role);
                                }
                            });
                        } />
                    <label for=label_for>{move || i18n.t(&format!("performer.{}", role.code()))}</label>
                </div>
            }
        })
        .collect_view()
    };
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        // The error summary links here (`#roles`).
        <fieldset class="field" id=id.clone() tabindex="-1" aria-describedby=move || error().is_some().then(|| described.clone())>
            <legend>{move || i18n.t("admin.roles")}</legend>
            {move || error().map(|m| view! { <ErrorMessage id=error_id.clone() message=m /> })}
            {boxes}
        </fieldset>
    }
}

/// Every provider's staff, each member's roles and access changed in place.
#[component]
fn StaffTable(
    list: StaffList,
    busy: RwSignal<bool>,
    on_change: Callback<(i64, StaffChange)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let providers = list.providers.clone();
    let provider_name = move |id: &str| {
        providers
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let rows = list
        .staff
        .into_iter()
        .map(|m| {
            let provider = provider_name(&m.provider_id);
            view! { <MemberRow member=m provider busy on_change /> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="staff-title">
            <h2 id="staff-title">{move || i18n.t("admin.staff_title")}</h2>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="staff-caption">
                <table class="queue">
                    <caption id="staff-caption">{move || i18n.t("admin.staff_caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t("admin.name")}</th>
                            <th scope="col">{move || i18n.t("admin.provider")}</th>
                            <th scope="col">{move || i18n.t("admin.roles")}</th>
                            <th scope="col">{move || i18n.t("admin.change")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// One member: name, provider, roles, and a form to change roles or disable them.
#[component]
fn MemberRow(
    member: StaffMemberView,
    provider: String,
    busy: RwSignal<bool>,
    on_change: Callback<(i64, StaffChange)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let roles = RwSignal::new(member.roles.clone());
    let disabled = RwSignal::new(member.disabled);
    let id = member.id;
    let shown = member.roles.clone();
    let prefix = format!("m{id}");
    let no_problems = RwSignal::new(Vec::new());
    let disabled_id = format!("m{id}-disabled");
    let disabled_for = disabled_id.clone();
    let name = member.name.clone();
    let body = member.provider_id.clone();
    view! {
        <tr class:disabled-member=member.disabled>
            <td>{member.name.clone()} <br /> <span class="iin">{member.login.clone()}</span></td>
            <td>{provider}</td>
            <td>
                {move || role_names(i18n, &shown)}
                {member.disabled.then(|| view! { <br /><strong>{move || i18n.t("admin.disabled")}</strong> })}
            </td>
            <td>
                <details>
                    <summary>{move || i18n.t("admin.change")} <span class="visually-hidden">{format!(" {name}")}</span></summary>
                    <form novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        on_change.run((id, StaffChange { roles: roles.get_untracked(), disabled: disabled.get_untracked() }));
                    }>
                        <RoleChoice id=prefix body=Signal::stored(body) roles problems=no_problems />
                        <div class="radio">
                            <input type="checkbox" id=disabled_id prop:checked=move || disabled.get()
                                on:change=move |ev| disabled.set(event_target_checked(&ev)) />
                            <label for=disabled_for>{move || i18n.t("admin.disable")}</label>
                        </div>
                        <button type="submit" aria-disabled=move || busy.get().then_some("true")>{move || i18n.t("admin.save")}</button>
                    </form>
                </details>
            </td>
        </tr>
    }
}

/// A log the administrator searches: its heading, a search field, and its lines (when, and
/// what happened in the reader's language), newest first.
#[component]
fn SearchedLog<F, Fut>(
    id: &'static str,
    title: &'static str,
    label: &'static str,
    fetch: F,
) -> impl IntoView
where
    F: Fn(String, qyzmet_domain::Lang) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Vec<(String, String)>, api::ApiError>> + 'static,
{
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let lines = LocalResource::new(move || {
        let (q, lang) = (search.get(), i18n.lang());
        fetch(q, lang)
    });
    let list = move || {
        lines.get().map(|r| match r {
            Ok(lines) => {
                let items = lines
                    .into_iter()
                    .map(|(at, text)| {
                        let when = at.clone();
                        view! { <li><time datetime=at>{move || i18n.moment(&when)}</time> " — " {text}</li> }
                    })
                    .collect_view();
                view! { <ol class="process-log">{items}</ol> }.into_any()
            }
            Err(e) => {
                let key = e.message_key();
                view! { <p class="notice notice-error">{move || i18n.t(&key)}</p> }.into_any()
            }
        })
    };
    let (title_id, input_id) = (format!("{id}-title"), format!("{id}-search"));
    let (labelled_by, label_for) = (title_id.clone(), input_id.clone());
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=title_id>{move || i18n.t(title)}</h2>
            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for=label_for>{move || i18n.t(label)}</label>
                    <input id=input_id type="search" autocomplete="off"
                        on:change=move |ev| search.set(event_target_value(&ev)) />
                </div>
            </form>
            {list}
        </section>
    }
}

/// The audit of staff changes, searchable by name or IIN.
#[component]
fn Audit() -> impl IntoView {
    let i18n = use_i18n();
    let fetch = move |q: String, lang| async move {
        let list = api::admin_staff_audit(&q, lang).await?;
        Ok(list
            .changes
            .into_iter()
            .map(|c| {
                let roles: Vec<Performer> = c
                    .detail
                    .split(',')
                    .filter_map(Performer::from_code)
                    .collect();
                let text = i18n.t_with(
                    &format!("admin.action.{}", c.action),
                    &[
                        ("admin", c.administrator),
                        ("member", c.member),
                        ("roles", role_names(i18n, &roles)),
                    ],
                );
                (c.at, text)
            })
            .collect())
    };
    view! { <SearchedLog id="audit" title="admin.audit_title" label="admin.audit_search" fetch /> }
}

/// Who read applicants' data: every read by staff, searchable by reader or request number.
#[component]
fn DataReads() -> impl IntoView {
    let i18n = use_i18n();
    let fetch = move |q: String, lang| async move {
        let list = api::admin_data_reads(&q, lang).await?;
        Ok(list
            .reads
            .into_iter()
            .map(|read| {
                let text = i18n.t_with(
                    "admin.read_entry",
                    &[
                        ("reader", format!("{} ({})", read.reader, read.reader_id)),
                        ("roles", role_names(i18n, &read.roles)),
                        ("provider", read.provider),
                        ("number", read.registration_number),
                        ("what", i18n.t(&format!("admin.read.{}", read.what))),
                    ],
                );
                (read.at, text)
            })
            .collect())
    };
    view! { <SearchedLog id="reads-log" title="admin.reads_title" label="admin.reads_search" fetch /> }
}
