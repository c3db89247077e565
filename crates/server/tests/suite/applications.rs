//! Drafts, autosave with versions, attachments and the completeness check, over real HTTP.

use crate::common::*;
use qyzmet_domain::api::{ApplicationList, ApplicationView};
use qyzmet_domain::status::Status;
use serde_json::json;

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];
const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");
const OTHER_CITIZEN: (&str, &str) = ("751102323458", "Erlan-demo-2026");

#[tokio::test]
async fn drafts_save_over_their_version_and_a_stale_tab_gets_409_with_the_current_one() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;
    assert_eq!(
        (draft.status, draft.version, draft.variant_id.as_str()),
        (Status::Draft, 1, "main")
    );

    let save = |version: i64, answers: serde_json::Value| {
        tab.patch(s.url(&format!("/api/applications/{}", draft.id)))
            .json(&json!({"version": version, "answers": answers}))
            .send()
    };
    // Drafts keep what was typed even when it is not valid yet.
    let saved: ApplicationView = save(
        1,
        json!({"address": "Тараз, Абай к. 1", "phone": "not yet a phone"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(saved.version, 2);
    let (status, p) = problem(
        save(1, json!({"address": "from another tab"}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, p.code.as_str()),
        (409, "application.version_conflict")
    );
    let current: ApplicationView = *p.current.unwrap();
    assert_eq!(current.version, 2);
    assert_eq!(
        current.answers["address"],
        qyzmet_domain::form::Answer::Text("Тараз, Абай к. 1".into())
    );

    let again: ApplicationView = tab
        .get(s.url(&format!("/api/applications/{}", draft.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, current);
}

#[tokio::test]
async fn who_may_apply_for_what() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let company = logged_in(&s, COMPANY).await;
    let officer = logged_in(&s, OFFICER).await;
    let create = |tab: &reqwest::Client, service: &str| {
        tab.post(s.url("/api/applications"))
            .json(&json!({"service_id": service}))
            .send()
    };

    let (status, p) = problem(create(&company, "guardianship").await.unwrap()).await;
    assert_eq!(
        (status, p.code.as_str()),
        (403, "application.applicant_not_admitted")
    );
    let (status, p) = problem(create(&citizen, "grain-warehouse-licence").await.unwrap()).await;
    assert_eq!(
        (status, p.code.as_str()),
        (403, "application.applicant_not_admitted")
    );
    let (status, p) = problem(
        create(&company, "project-management-accreditation")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, p.code.as_str()), (409, "application.office_only"));
    let (status, p) = problem(create(&officer, "guardianship").await.unwrap()).await;
    assert_eq!((status, p.code.as_str()), (403, "auth.forbidden"));
    let (status, _) = problem(create(&citizen, "no-such-service").await.unwrap()).await;
    assert_eq!(status, 404);

    let res = company
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": "grain-warehouse-licence", "variant_id": "duplicate"}))
        .send()
        .await
        .unwrap();
    let draft: ApplicationView = res.json().await.unwrap();
    assert_eq!(draft.variant_id, "duplicate");
    let res = company
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": "grain-warehouse-licence", "variant_id": "nope"}))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(res).await;
    assert_eq!((status, p.errors[0].field.as_str()), (422, "variant_id"));
    assert_eq!(anonymous_status(&s).await, 401);
}

async fn anonymous_status(s: &Server) -> u16 {
    browser()
        .get(s.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn another_citizen_cannot_even_learn_that_an_application_exists() {
    let s = start().await;
    let owner = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &owner, "guardianship").await;
    assert_eq!(
        upload(
            &s,
            &owner,
            &draft.id,
            "health_certificate",
            "a.pdf",
            PDF.to_vec()
        )
        .await
        .status(),
        201
    );

    let other = logged_in(&s, OTHER_CITIZEN).await;
    let missing = "0123456789abcdef0123456789abcdef";
    for id in [draft.id.as_str(), missing] {
        let url = |p: &str| s.url(&format!("/api/applications/{id}{p}"));
        let answers = [
            other.get(url("")).send().await.unwrap(),
            other
                .patch(url(""))
                .json(&json!({"version": 1, "answers": {}}))
                .send()
                .await
                .unwrap(),
            other.delete(url("")).send().await.unwrap(),
            other
                .get(url("/attachments/health_certificate"))
                .send()
                .await
                .unwrap(),
            other
                .delete(url("/attachments/health_certificate"))
                .send()
                .await
                .unwrap(),
            upload(&s, &other, id, "health_certificate", "x.pdf", PDF.to_vec()).await,
        ];
        for res in answers {
            let (status, p) = problem(res).await;
            assert_eq!(
                (status, p.code.as_str()),
                (404, "application.not_found"),
                "{id}"
            );
        }
    }
    let list: ApplicationList = other
        .get(s.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.applications.is_empty());
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_a_refusal_keeps_the_other_files() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;

    let res = upload(
        &s,
        &tab,
        &draft.id,
        "health_certificate",
        "анықтама.pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(res.status(), 201);
    let app: ApplicationView = res.json().await.unwrap();
    assert_eq!(app.attachments.len(), 1);
    assert_eq!(
        (
            app.attachments[0].file_name.as_str(),
            app.attachments[0].content_type.as_str()
        ),
        ("анықтама.pdf", "application/pdf")
    );
    assert_eq!(
        upload(
            &s,
            &tab,
            &draft.id,
            "birth_certificates",
            "photo.png",
            PNG.to_vec()
        )
        .await
        .status(),
        201
    );

    // Too big for the slot (10 MB), streamed: refused, nothing kept.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, p) =
        problem(upload(&s, &tab, &draft.id, "parental_care_loss", "big.pdf", big).await).await;
    assert_eq!((status, p.code.as_str()), (413, "attachment.too_large"));
    assert_eq!(p.errors[0].params["max_mb"], "10");
    let (status, p) = problem(
        upload(
            &s,
            &tab,
            &draft.id,
            "parental_care_loss",
            "empty.pdf",
            Vec::new(),
        )
        .await,
    )
    .await;
    assert_eq!((status, p.code.as_str()), (422, "validation"));
    assert_eq!(p.errors[0].code, "attachment.empty");
    let (status, p) = problem(
        upload(
            &s,
            &tab,
            &draft.id,
            "parental_care_loss",
            "fake.pdf",
            b"GIF89a not a pdf at all".to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, p.code.as_str()),
        (415, "attachment.type_not_allowed")
    );
    let (status, p) =
        problem(upload(&s, &tab, &draft.id, "no_such_slot", "a.pdf", PDF.to_vec()).await).await;
    assert_eq!(
        (status, p.code.as_str()),
        (404, "attachment.unknown_document")
    );

    let now: ApplicationView = tab
        .get(s.url(&format!("/api/applications/{}", draft.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let slots: Vec<&str> = now
        .attachments
        .iter()
        .map(|a| a.document_id.as_str())
        .collect();
    assert_eq!(slots, ["birth_certificates", "health_certificate"]);
    let tmp = s.data.path().join("data").join("tmp");
    assert_eq!(
        std::fs::read_dir(tmp).unwrap().count(),
        0,
        "no partial upload left on disk"
    );

    let res = tab
        .get(s.url(&format!(
            "/api/applications/{}/attachments/health_certificate",
            draft.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("UTF-8''%D0%B0")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    // The officer's preview asks for it inline: same bytes, shown instead of saved.
    let res = tab
        .get(s.url(&format!(
            "/api/applications/{}/attachments/health_certificate?inline=true",
            draft.id
        )))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Replace, then remove.
    let res = upload(
        &s,
        &tab,
        &draft.id,
        "health_certificate",
        "new.png",
        PNG.to_vec(),
    )
    .await;
    let app: ApplicationView = res.json().await.unwrap();
    assert_eq!(
        app.attachments
            .iter()
            .find(|a| a.document_id == "health_certificate")
            .unwrap()
            .file_name,
        "new.png"
    );
    let del = tab
        .delete(s.url(&format!(
            "/api/applications/{}/attachments/birth_certificates",
            draft.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
}

#[tokio::test]
async fn the_check_lists_every_problem_and_passes_a_complete_draft() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;
    let check = || {
        tab.post(s.url(&format!("/api/applications/{}/check", draft.id)))
            .send()
    };
    let (status, p) = problem(check().await.unwrap()).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "marital_status",
        "address",
        "children",
        "care_kind",
        "phone",
        "documents.health_certificate",
        "documents.parental_care_loss",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(
        !fields.contains(&"documents.marriage_certificate"),
        "optional document"
    );

    complete_guardianship(&s, &tab, &draft.id).await;
    let res = check().await.unwrap();
    let status = res.status();
    assert_eq!(status, 204, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn listing_filters_and_deleting_drafts() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let a = new_draft(&s, &tab, "guardianship").await;
    let _b = new_draft(&s, &tab, "expert-attestation-almaty").await;
    let list: ApplicationList = tab
        .get(s.url("/api/applications?status=draft"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.applications.len(), 2);
    let list: ApplicationList = tab
        .get(s.url("/api/applications?status=registered"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.applications.is_empty());
    let (status, _) = problem(
        tab.get(s.url("/api/applications?status=bogus"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        tab.delete(s.url(&format!("/api/applications/{}", a.id)))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        tab.get(s.url(&format!("/api/applications/{}", a.id)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_draft_remembers_the_step_last_opened_without_touching_its_version() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;
    assert_eq!(draft.last_step, None);
    let put = |tab: &reqwest::Client, id: &str, step: &str| {
        tab.put(s.url(&format!("/api/applications/{id}/step")))
            .json(&json!({ "step": step }))
            .send()
    };
    assert_eq!(
        put(&tab, &draft.id, "children").await.unwrap().status(),
        204
    );
    let view: ApplicationView =
        get_json(&s, &tab, &format!("/api/applications/{}", draft.id)).await;
    assert_eq!(
        (view.last_step.as_deref(), view.version),
        (Some("children"), draft.version)
    );
    let p = expect_problem(
        put(&tab, &draft.id, "../etc").await.unwrap(),
        422,
        "validation",
    )
    .await;
    assert_eq!(p.errors[0].field, "step");
    // Someone else's draft: it does not exist for them.
    let other = logged_in(&s, OTHER_CITIZEN).await;
    expect_problem(
        put(&other, &draft.id, "children").await.unwrap(),
        404,
        "application.not_found",
    )
    .await;
    // A registered request is no longer edited.
    let request = registered_guardianship(&s, &tab).await;
    expect_problem(
        put(&tab, &request.id, "children").await.unwrap(),
        409,
        "application.not_draft",
    )
    .await;
}
