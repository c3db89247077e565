//! Identity and integrity (issue 15): proof before an account exists, the second factor of a
//! password login, one signature for one request, idempotency keys scoped to their
//! application, the one problem shape for every rejection, the security headers.

use crate::common::*;
use base64::Engine;
use qyzmet_domain::api::{ApplicationView, CodeSent, OutgoingDocumentView, SessionView};
use qyzmet_domain::status::Status;
use serde_json::json;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn send_registration_code(
    s: &Server,
    tab: &reqwest::Client,
    login: &str,
) -> reqwest::Response {
    tab.post(s.url("/api/accounts/verification"))
        .json(&json!({"login": login}))
        .send()
        .await
        .unwrap()
}

/// A one-time challenge from `path` and its signature with `key`.
async fn signed_challenge(
    s: &Server,
    tab: &reqwest::Client,
    path: &str,
    key: &qyzmet_eds::SigningKey,
) -> (String, String) {
    let challenge: qyzmet_domain::api::EdsChallenge = tab
        .post(s.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let signature = sign_b64(key, challenge.nonce.as_bytes());
    (challenge.nonce, signature)
}

fn eds_proof((nonce, signature): (String, String)) -> serde_json::Value {
    json!({"method": "eds", "nonce": nonce, "signature": signature})
}

fn register_body(login: &str, proof: serde_json::Value) -> serde_json::Value {
    json!({"login": login, "email": "someone@example.kz", "password": "a-good-passphrase", "proof": proof})
}

#[tokio::test]
async fn knowing_an_iin_is_not_enough_to_take_its_account() {
    let s = start().await;
    let attacker = browser();
    // The attacker asks for a code: it goes to the holder's phone; the answer names no one.
    let res = send_registration_code(&s, &attacker, UNREGISTERED_PERSON).await;
    assert_eq!(res.status(), 202);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("Әбенов") && !text.contains("Талғат"),
        "{text}"
    );
    let sent: CodeSent = serde_json::from_str(&text).unwrap();
    assert_eq!(sent.phone_masked, "+7 705 *** ** 68");
    assert!(sent.test_gateway);

    // Guessing the code fails and names no one; five guesses end the code.
    for _ in 0..5 {
        let res = attacker
            .post(s.url("/api/accounts"))
            .json(&register_body(
                UNREGISTERED_PERSON,
                json!({"method": "sms", "verification_id": sent.verification_id, "code": "000000"}),
            ))
            .send()
            .await
            .unwrap();
        let p = problem(res).await.1;
        assert!(p.code.starts_with("verification."), "{}", p.code);
        assert!(!p.title.contains("Әбенов"));
    }
    // A code proven for another subject (the attacker's own login code, from their own
    // phone) does not register this one.
    let (login, password) = ("751102323458", "Erlan-demo-2026");
    let own: CodeSent = s
        .password_step(&attacker, (login, password))
        .await
        .json()
        .await
        .unwrap();
    let own_code = s
        .code_for(&registry_phone(login), &own.verification_id)
        .await;
    let res = attacker
        .post(s.url("/api/accounts"))
        .json(&register_body(
            UNREGISTERED_PERSON,
            json!({"method": "sms", "verification_id": own.verification_id, "code": own_code}),
        ))
        .send()
        .await
        .unwrap();
    expect_problem(res, 422, "verification.expired").await;
    // Nor does the attacker's own EDS: the key must carry this IIN.
    let attacker_key = demo_key(&s, "751102323458-auth.p12");
    let proof = signed_challenge(&s, &attacker, "/api/accounts/eds-challenge", &attacker_key).await;
    let res = attacker
        .post(s.url("/api/accounts"))
        .json(&register_body(UNREGISTERED_PERSON, eds_proof(proof)))
        .send()
        .await
        .unwrap();
    expect_problem(res, 401, "eds.identity_mismatch").await;

    // The holder, on their own connection, with the code their phone got, registers: the
    // attacker's guesses locked only the attacker.
    let holder = behind_proxy("198.51.100.77");
    let res = register_with_sms(&s, &holder, UNREGISTERED_PERSON, "жаңа-құпия-сөз").await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_holder_registers_with_the_eds_authentication_key_and_a_company_only_so() {
    let s = start().await;
    let res = send_registration_code(&s, &browser(), UNREGISTERED_COMPANY).await;
    let p = expect_problem(res, 422, "validation").await;
    assert_eq!(p.errors[0].code, "registration.company_needs_eds");

    let tab = browser();
    let key = demo_key_at(&s, "test/740303346801-auth-no-account.p12");
    // A login challenge does not register, nor the other way round.
    let login_proof = signed_challenge(&s, &tab, "/api/session/eds-challenge", &key).await;
    let res = tab
        .post(s.url("/api/accounts"))
        .json(&register_body(UNREGISTERED_PERSON, eds_proof(login_proof)))
        .send()
        .await
        .unwrap();
    expect_problem(res, 401, "auth.eds_challenge_expired").await;
    let proof = signed_challenge(&s, &tab, "/api/accounts/eds-challenge", &key).await;
    let res = tab
        .post(s.url("/api/accounts"))
        .json(&register_body(UNREGISTERED_PERSON, eds_proof(proof)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.display_name, "Әбенов Талғат Сейітұлы");
    // The company, with its head's key that carries its BIN.
    let company_key = demo_key(&s, "091240004563-auth.p12");
    let proof = signed_challenge(&s, &tab, "/api/accounts/eds-challenge", &company_key).await;
    let res = browser()
        .post(s.url("/api/accounts"))
        .json(&register_body(UNREGISTERED_COMPANY, eds_proof(proof)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.display_name, "«Құрылыс Жоба» ЖШС");
}

#[tokio::test]
async fn a_password_login_takes_the_code_sent_to_the_phone() {
    let s = start().await;
    let tab = browser();
    let res = s.password_step(&tab, CITIZEN).await;
    assert_eq!(res.status(), 202);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no session before the code"
    );
    let sent: CodeSent = res.json().await.unwrap();
    assert_eq!(sent.phone_masked, "+7 701 *** ** 67");
    assert_eq!(
        tab.get(s.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let code = s.code_for("+77011234567", &sent.verification_id).await;
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let res = tab
        .post(s.url("/api/session/code?lang=en"))
        .json(&json!({"verification_id": sent.verification_id, "code": wrong}))
        .send()
        .await
        .unwrap();
    let p = expect_problem(res, 422, "verification.wrong_code").await;
    assert_eq!(p.errors[0].field, "code");
    assert_eq!(p.errors[0].params["attempts"], "4");
    let res = tab
        .post(s.url("/api/session/code"))
        .json(&json!({"verification_id": sent.verification_id, "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.login, CITIZEN.0);
    // Single use.
    let res = browser()
        .post(s.url("/api/session/code"))
        .json(&json!({"verification_id": sent.verification_id, "code": code}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 422, "verification.expired").await;
    // Stored hashed: the database has no code in it.
    let db = qyzmet_server::db::connect(&s.database_url).await.unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM verification_codes")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(!hashes.is_empty() && hashes.iter().all(|h| h.len() == 64 && !h.contains(&code)));
}

#[tokio::test]
async fn no_login_lands_in_an_account_whose_holder_was_not_proven() {
    let s = start().await;
    // An account made before proof was required, by someone who only knew the IIN.
    let squatter = browser();
    let db = qyzmet_server::db::connect(&s.database_url).await.unwrap();
    sqlx::query(
        "INSERT INTO accounts (login, kind, role, display_name, phone, email, password_hash, created_at, proven_by) \
         VALUES ($1, 'individual', 'applicant', 'Әбенов Талғат Сейітұлы', '+77000000000', 'x@evil.example', $2, 0, NULL)",
    )
    .bind(UNREGISTERED_PERSON)
    .bind(qyzmet_server::accounts::password::hash("squatter-passphrase").unwrap())
    .execute(&db.pool)
    .await
    .unwrap();
    let res = s
        .login(&squatter, (UNREGISTERED_PERSON, "squatter-passphrase"))
        .await;
    expect_problem(res, 401, "auth.invalid_credentials").await;
    // The real holder's EDS login does not land there either.
    let holder = browser();
    let key = demo_key_at(&s, "test/740303346801-auth-no-account.p12");
    let (nonce, signature) =
        signed_challenge(&s, &holder, "/api/session/eds-challenge", &key).await;
    let res = holder
        .post(s.url("/api/session/eds"))
        .json(&json!({"nonce": nonce, "signature": signature}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 401, "auth.eds_no_account").await;
    // Proof takes the account over: the holder's password and the state's phone from now on.
    let res = register_with_sms(&s, &holder, UNREGISTERED_PERSON, "жаңа-құпия-сөз").await;
    assert_eq!(res.status(), 201);
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.phone, registry_phone(UNREGISTERED_PERSON));
    assert_eq!(session.account.email, "t@example.kz");
    let res = s
        .login(&browser(), (UNREGISTERED_PERSON, "squatter-passphrase"))
        .await;
    expect_problem(res, 401, "auth.invalid_credentials").await;
}

async fn formed(s: &Server, tab: &reqwest::Client, id: &str) -> (String, Vec<u8>) {
    let formed: OutgoingDocumentView =
        get_json(s, tab, &format!("/api/applications/{id}/outgoing-document")).await;
    let bytes = B64.decode(&formed.document).unwrap();
    (formed.document, bytes)
}

async fn submit(
    s: &Server,
    tab: &reqwest::Client,
    id: &str,
    key: &str,
    document: &str,
    signature: &str,
) -> reqwest::Response {
    tab.post(s.url(&format!("/api/applications/{id}/submit")))
        .header("idempotency-key", key)
        .json(&json!({"document": document, "signature": signature}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_signature_registers_one_request() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let a = new_draft(&s, &tab, "guardianship").await;
    complete_guardianship(&s, &tab, &a.id).await;
    let b = new_draft(&s, &tab, "guardianship").await;
    complete_guardianship(&s, &tab, &b.id).await;
    let (document, bytes) = formed(&s, &tab, &a.id).await;
    let parsed = qyzmet_domain::outgoing::OutgoingDocument::from_bytes(&bytes).unwrap();
    assert_eq!(
        parsed.application_id, a.id,
        "the document names its application"
    );
    let signature = sign_b64(&demo_key(&s, "880315412341-signing.p12"), &bytes);
    assert_eq!(
        submit(&s, &tab, &a.id, "first", &document, &signature)
            .await
            .status(),
        201
    );
    // The same document and .p7s, replayed on an identical draft.
    let res = submit(&s, &tab, &b.id, "second", &document, &signature).await;
    expect_problem(res, 422, "application.document_for_other").await;
    let b_now: ApplicationView = get_json(&s, &tab, &format!("/api/applications/{}", b.id)).await;
    assert_eq!(b_now.status, Status::Draft);
}

#[tokio::test]
async fn an_idempotency_key_belongs_to_one_application() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let a = new_draft(&s, &tab, "guardianship").await;
    complete_guardianship(&s, &tab, &a.id).await;
    let b = new_draft(&s, &tab, "guardianship").await;
    complete_guardianship(&s, &tab, &b.id).await;
    let (document, bytes) = formed(&s, &tab, &a.id).await;
    let signature = sign_b64(&demo_key(&s, "880315412341-signing.p12"), &bytes);
    let first = submit(&s, &tab, &a.id, "shared-key", &document, &signature).await;
    assert_eq!(first.status(), 201);
    let registered: ApplicationView = first.json().await.unwrap();
    // Draft B with A's key, even with a garbage signature: refused, B stays a draft.
    let (b_document, _) = formed(&s, &tab, &b.id).await;
    let res = submit(&s, &tab, &b.id, "shared-key", &b_document, "Z2FyYmFnZQ==").await;
    expect_problem(res, 422, "request.idempotency_key_reused").await;
    let b_now: ApplicationView = get_json(&s, &tab, &format!("/api/applications/{}", b.id)).await;
    assert_eq!(b_now.status, Status::Draft);
    // The same key on A is still the repeat it was.
    let again = submit(&s, &tab, &a.id, "shared-key", &document, &signature).await;
    assert_eq!(again.status(), 200);
    let again: ApplicationView = again.json().await.unwrap();
    assert_eq!(again.registration_number, registered.registration_number);
}

#[tokio::test]
async fn every_rejection_answers_in_the_problem_shape() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &tab, "guardianship").await;
    // A path segment that is not UTF-8.
    let res = tab
        .get(s.url("/api/applications/%ff"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(res).await;
    assert!(status == 400 || status == 404, "{status}");
    assert!(!p.code.is_empty());
    // A query that does not parse.
    let res = tab
        .get(s.url(&format!(
            "/api/applications/{}/attachments/health_certificate?inline=yes",
            draft.id
        )))
        .send()
        .await
        .unwrap();
    expect_problem(res, 400, "request.malformed").await;
    // A multipart body without a boundary.
    let res = tab
        .post(s.url(&format!(
            "/api/applications/{}/attachments/health_certificate",
            draft.id
        )))
        .header("content-type", "multipart/form-data")
        .body("--x\r\n")
        .send()
        .await
        .unwrap();
    let (status, _) = problem(res).await;
    assert!(status == 400 || status == 415, "{status}");
    // A method the route does not take: 405 with Allow, in the one shape.
    let res = tab.put(s.url("/api/services")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.headers().get("allow").is_some());
    expect_problem(res, 405, "request.method_not_allowed").await;
}

#[tokio::test]
async fn answers_carry_the_security_headers() {
    let s = start().await;
    let tab = logged_in(&s, CITIZEN).await;
    for path in [
        "/",
        "/api/session",
        "/api/applications",
        "/api/notifications",
        // Routed outside the layers: it sets them itself.
        "/api/services",
    ] {
        let res = tab.get(s.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert!(
            !script_src
                .split_whitespace()
                .any(|t| t == "'unsafe-inline'" || t == "'unsafe-eval'"),
            "{script_src}"
        );
        assert!(
            h["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("geolocation=()")
        );
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        if path == "/api/services" {
            assert_eq!(h["cache-control"], "public, no-cache", "{path}");
        } else if path.starts_with("/api/") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn asking_a_registration_code_for_an_iin_with_an_account_sends_nothing_and_tells_nothing() {
    let s = start().await;
    let stranger = browser();
    // An IIN with an account and one without answer alike; only the latter's phone gets a code.
    let with_account = send_registration_code(&s, &stranger, CITIZEN.0).await;
    assert_eq!(with_account.status(), 202);
    let decoy: CodeSent = with_account.json().await.unwrap();
    assert_eq!(decoy.phone_masked, "+7 701 *** ** 67");
    assert_eq!(decoy.verification_id.len(), 32);
    // What the document promises of an id is what the server issues (and the decoy looks it).
    let spec: serde_json::Value = plain()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pattern =
        &spec["components"]["schemas"]["CodeLogin"]["properties"]["verification_id"]["pattern"];
    assert_eq!(pattern, "^[A-Za-z0-9_-]{32}$");
    let real: CodeSent = send_registration_code(&s, &stranger, UNREGISTERED_PERSON)
        .await
        .json()
        .await
        .unwrap();
    for id in [&real.verification_id, &decoy.verification_id] {
        assert!(
            id.len() == 32
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{id}"
        );
    }
    let messages: Vec<qyzmet_domain::api::TestSms> = plain()
        .get(s.url(&format!(
            "/api/test-sms-outbox/{}",
            registry_phone(CITIZEN.0)
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(messages.is_empty(), "no SMS to the holder: {messages:?}");
    // Asked again and again, it never spends the holder's share: their login gets its code.
    for _ in 0..3 {
        let res = send_registration_code(&s, &stranger, CITIZEN.0).await;
        assert_eq!(res.status(), 202);
    }
    assert_eq!(s.login(&browser(), CITIZEN).await.status(), 200);
}

#[tokio::test]
async fn the_registry_cannot_be_walked_from_one_address() {
    let s = start().await;
    let prober = behind_proxy("203.0.113.9");
    let mut answers = Vec::new();
    // Valid IINs (their check digit right) that no registry entry has.
    let unknown = (0..100u32).filter_map(|n| {
        let first: String = format!("9001013{n:04}");
        let mut d = [0u8; 12];
        for (i, c) in first.bytes().enumerate() {
            d[i] = c - b'0';
        }
        qyzmet_domain::identifiers::check_digit(&d).map(|c| format!("{first}{c}"))
    });
    for login in unknown.take(12) {
        let res = send_registration_code(&s, &prober, &login).await;
        answers.push(res.status().as_u16());
    }
    assert_eq!(&answers[..10], &[422; 10], "{answers:?}");
    assert_eq!(&answers[10..], &[429, 429], "{answers:?}");
    // Another address is not affected.
    let neighbour = behind_proxy("203.0.113.10");
    let res = send_registration_code(&s, &neighbour, UNREGISTERED_PERSON).await;
    assert_eq!(res.status(), 202);
}
