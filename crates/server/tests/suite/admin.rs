//! The administrator manages the providers' staff over real HTTP: adds a person of the
//! registry with roles, changes them, disables a member (whose session ends and who can no
//! longer log in), each change in the audit; nobody else may.

use crate::common::*;
use qyzmet_domain::api::{StaffAuditList, StaffList};
use serde_json::json;

const ADMIN: (&str, &str) = ("810719435790", "Admin-demo-2026");
/// In the registry, without an account.
const PERSON: &str = UNREGISTERED_PERSON;

fn member<'a>(list: &'a StaffList, login: &str) -> &'a qyzmet_domain::api::StaffMemberView {
    list.staff
        .iter()
        .find(|m| m.login == login)
        .unwrap_or_else(|| panic!("{login} in {list:?}"))
}

fn roles(m: &qyzmet_domain::api::StaffMemberView) -> Vec<&'static str> {
    m.roles.iter().map(|r| r.code()).collect()
}

#[tokio::test]
async fn the_administrator_adds_changes_and_disables_staff_and_every_change_is_audited() {
    let s = start().await;
    let admin = logged_in(&s, ADMIN).await;
    // Nobody else manages staff, not even a head.
    for who in [CITIZEN, GUARDIANSHIP_HEAD] {
        let tab = logged_in(&s, who).await;
        let res = tab.get(s.url("/api/admin/staff")).send().await.unwrap();
        expect_problem(res, 403, "auth.forbidden").await;
    }
    let list: StaffList = get_json(&s, &admin, "/api/admin/staff").await;
    assert_eq!(roles(member(&list, GUARDIANSHIP_HEAD.0)), ["head"]);
    assert_eq!(
        roles(member(&list, GUARDIANSHIP_CLERK.0)),
        ["office", "executor"]
    );
    assert!(
        list.providers
            .iter()
            .any(|p| p.id == "local-executive-body")
    );

    let add = |body: serde_json::Value| admin.post(s.url("/api/admin/staff")).json(&body).send();
    // An empty form: every field's problem at once.
    let p = expect_problem(
        add(json!({"iin": "", "provider_id": "", "roles": []}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["iin", "provider_id", "roles"]);
    // Bad input: each a field error; a citizen's IIN is not made staff behind their back.
    let cases = [
        (
            json!({"iin": "123", "provider_id": "local-executive-body", "roles": ["executor"]}),
            "iin",
        ),
        (
            json!({"iin": PERSON, "provider_id": "nowhere", "roles": ["executor"]}),
            "provider_id",
        ),
        (
            json!({"iin": PERSON, "provider_id": "local-executive-body", "roles": []}),
            "roles",
        ),
        (
            json!({"iin": PERSON, "provider_id": "local-executive-body", "roles": ["state_corporation"]}),
            "roles",
        ),
    ];
    for (body, field) in cases {
        let p = expect_problem(add(body).await.unwrap(), 422, "validation").await;
        assert_eq!(p.errors[0].field, field);
    }
    let res = add(
        json!({"iin": CITIZEN.0, "provider_id": "local-executive-body", "roles": ["executor"]}),
    )
    .await
    .unwrap();
    expect_problem(res, 409, "staff.has_account").await;

    let res =
        add(json!({"iin": PERSON, "provider_id": "local-executive-body", "roles": ["executor"]}))
            .await
            .unwrap();
    assert_eq!(res.status(), 201);
    let list: StaffList = res.json().await.unwrap();
    let added = member(&list, PERSON);
    assert_eq!((roles(added), added.disabled), (vec!["executor"], false));
    // The new member can be named executor at once.
    let staff_ids: Vec<i64> = list
        .staff
        .iter()
        .filter(|m| m.provider_id == "local-executive-body")
        .map(|m| m.id)
        .collect();
    assert!(staff_ids.contains(&added.id));
    // No password was set for them: staff log in with their EDS, into the provider's queue.
    let res = s.password_step(&browser(), (PERSON, "")).await;
    assert_eq!(res.status(), 401);
    let tab = browser();
    let challenge: qyzmet_domain::api::EdsChallenge = tab
        .post(s.url("/api/session/eds-challenge"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = demo_key(&s, &format!("{PERSON}-auth.p12"));
    let signature = sign_b64(&key, challenge.nonce.as_bytes());
    let res = tab
        .post(s.url("/api/session/eds"))
        .json(&json!({"nonce": challenge.nonce, "signature": signature}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let session: qyzmet_domain::api::SessionView = res.json().await.unwrap();
    assert_eq!(
        session.account.staff_roles,
        [qyzmet_domain::process::Performer::Executor]
    );
    let _: qyzmet_domain::api::Queue = get_json(&s, &tab, "/api/officer/requests").await;

    // Roles changed; then the second executor disabled: their open session ends and their
    // password no longer opens one.
    let put = |id: i64, body: serde_json::Value| {
        admin
            .put(s.url(&format!("/api/admin/staff/{id}")))
            .json(&body)
            .send()
    };
    let res = put(
        added.id,
        json!({"roles": ["executor", "head"], "disabled": false}),
    )
    .await
    .unwrap();
    let list: StaffList = res.json().await.unwrap();
    assert_eq!(roles(member(&list, PERSON)), ["head", "executor"]);
    let executor = logged_in(&s, GUARDIANSHIP_EXECUTOR).await;
    let executor_id = member(&list, GUARDIANSHIP_EXECUTOR.0).id;
    let res = put(
        executor_id,
        json!({"roles": ["executor"], "disabled": true}),
    )
    .await
    .unwrap();
    let list: StaffList = res.json().await.unwrap();
    assert!(member(&list, GUARDIANSHIP_EXECUTOR.0).disabled);
    let res = executor
        .get(s.url("/api/officer/requests"))
        .send()
        .await
        .unwrap();
    expect_problem(res, 401, "auth.required").await;
    let res = s.password_step(&browser(), GUARDIANSHIP_EXECUTOR).await;
    assert_eq!(res.status(), 401);
    // Not staff: not found.
    let citizen_id = account_id(&s, &logged_in(&s, CITIZEN).await).await;
    let res = put(
        citizen_id,
        json!({"roles": ["executor"], "disabled": false}),
    )
    .await
    .unwrap();
    expect_problem(res, 404, "staff.not_found").await;

    // The audit, newest first, searchable by name or IIN.
    let audit: StaffAuditList = get_json(&s, &admin, "/api/admin/staff-audit").await;
    let actions: Vec<(&str, &str)> = audit
        .changes
        .iter()
        .map(|c| (c.action.as_str(), c.detail.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("disabled", "executor"),
            ("roles", "head,executor"),
            ("added", "executor")
        ]
    );
    assert!(
        audit
            .changes
            .iter()
            .all(|c| c.administrator == "Бекова Динара Сәкенқызы")
    );
    let found: StaffAuditList =
        get_json(&s, &admin, &format!("/api/admin/staff-audit?q={PERSON}")).await;
    assert_eq!(found.changes.len(), 2);
}

/// The State Corporation's desk is staffed like a provider: its operators and accumulation
/// department added and changed by the administrator, with the State Corporation's roles
/// only (a provider's roles there, or its roles at a provider, are refused).
#[tokio::test]
async fn the_administrator_staffs_the_state_corporations_desk_with_its_own_roles() {
    let s = start().await;
    let admin = logged_in(&s, ADMIN).await;
    let list: StaffList = get_json(&s, &admin, "/api/admin/staff").await;
    let body = list
        .providers
        .iter()
        .find(|p| p.id == "state-corporation")
        .expect("the State Corporation is among the bodies");
    assert_eq!(
        body.name,
        "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы"
    );
    assert_eq!(
        roles(member(&list, "870321388405")),
        ["state_corporation", "accumulation"]
    );
    let add = |body: serde_json::Value| admin.post(s.url("/api/admin/staff")).json(&body).send();
    // A head is a provider's, not the State Corporation's.
    let p = expect_problem(
        add(json!({"iin": PERSON, "provider_id": "state-corporation", "roles": ["head"]}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].field, "roles");
    let res = add(
        json!({"iin": PERSON, "provider_id": "state-corporation", "roles": ["state_corporation"]}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let list: StaffList = res.json().await.unwrap();
    let added = member(&list, PERSON);
    assert_eq!(
        (added.provider_id.as_str(), roles(added)),
        ("state-corporation", vec!["state_corporation"])
    );
    // Their roles changed to the accumulation department's too; a provider's refused.
    let put = |body: serde_json::Value| {
        admin
            .put(s.url(&format!("/api/admin/staff/{}", added.id)))
            .json(&body)
            .send()
    };
    let p = expect_problem(
        put(json!({"roles": ["executor"], "disabled": false}))
            .await
            .unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].field, "roles");
    let res = put(json!({"roles": ["accumulation", "state_corporation"], "disabled": false}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let list: StaffList = res.json().await.unwrap();
    assert_eq!(
        roles(member(&list, PERSON)),
        ["state_corporation", "accumulation"]
    );
}
