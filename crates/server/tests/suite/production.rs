//! Production mode: a start without `--demo` has no TEST door, sends codes through the SMS
//! provider's documented API and takes fees only through the acquirer's authenticated
//! callback. The provider and the acquirer are local servers here that speak their documented
//! protocols (`shared/research/production-adapters.md`); the trust roots are files.

use crate::common::*;
use axum::extract::{Form, Query, State};
use axum::routing::post;
use qyzmet_domain::api::{CodeSent, PaymentView};
use qyzmet_server::mode::{EpaySettings, MobizonSettings, PaymentsChoice};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const KEY: &str = "mobizon-key-of-the-operator";
const CLIENT_SECRET: &str = "epay-client-secret-of-the-merchant";
const PERSON: &str = "740303346801";
const PHONE: &str = "+77051234568";

/// What the fake Mobizon and the fake ePay received.
#[derive(Default)]
struct Seen {
    sms: Vec<HashMap<String, String>>,
    tokens: Vec<HashMap<String, String>>,
}

type Shared = Arc<Mutex<Seen>>;

/// Mobizon's `SendSmsMessage`: the key in the query; a refusal in the API's shape for a wrong
/// key and for an empty balance (the key `broke`).
async fn mobizon(
    State(seen): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    Form(form): Form<HashMap<String, String>>,
) -> axum::Json<serde_json::Value> {
    let key = query.get("apiKey").cloned().unwrap_or_default();
    if key == "slow" {
        // Longer than the adapter waits (10 s): a success that comes too late to count.
        tokio::time::sleep(std::time::Duration::from_secs(12)).await;
    }
    if key == "broke" {
        return axum::Json(json!({"code": 4, "data": "", "message": "Insufficient balance"}));
    }
    if key != KEY && key != "slow" {
        return axum::Json(json!({"code": 8, "data": "", "message": "Wrong API key"}));
    }
    let mut seen = seen.lock().unwrap();
    seen.sms.push(form);
    let id = 4_815_162_342u64 + seen.sms.len() as u64;
    axum::Json(
        json!({"code": 0, "data": {"campaignId": "77", "messageId": id.to_string(), "status": 1}, "message": ""}),
    )
}

/// ePay's OAuth token endpoint: client credentials, bound to the invoice and amount.
async fn epay_token(
    State(seen): State<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<axum::Json<serde_json::Value>, axum::http::StatusCode> {
    if form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
        || form.get("grant_type").map(String::as_str) != Some("client_credentials")
    {
        return Err(axum::http::StatusCode::UNAUTHORIZED);
    }
    seen.lock().unwrap().tokens.push(form);
    Ok(axum::Json(json!({
        "access_token": "ePay-token-for-this-invoice",
        "expires_in": 1200,
        "scope": "payment",
        "token_type": "Bearer"
    })))
}

async fn fake_outside(seen: Shared) -> String {
    let app = axum::Router::new()
        .route("/service/Message/SendSmsMessage", post(mobizon))
        .route("/oauth2/token", post(epay_token))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// The trust roots as an operator gives them: the CA certificates and CRLs, no key — the
/// GOST chain as DER, the RSA chain as PEM (CAs publish both).
fn trust_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (chain, pem) in [("", true), ("gost", false)] {
        let to = dir.path().join(chain);
        std::fs::create_dir_all(&to).unwrap();
        for (file, label) in [
            ("root-ca.cer", "CERTIFICATE"),
            ("issuing-ca.cer", "CERTIFICATE"),
            ("issuing-ca.crl", "X509 CRL"),
        ] {
            let der = std::fs::read(shared_pki().join(chain).join(file)).unwrap();
            let bytes = if pem {
                qyzmet_server::pki::pem(label, &der).into_bytes()
            } else {
                der
            };
            std::fs::write(to.join(file), bytes).unwrap();
        }
    }
    dir
}

async fn production(outside: &str, trust: &std::path::Path, sms_key: &str) -> Server {
    production_paying(outside, trust, sms_key, PaymentsChoice::Epay).await
}

async fn production_paying(
    outside: &str,
    trust: &std::path::Path,
    sms_key: &str,
    payments: PaymentsChoice,
) -> Server {
    let (outside, trust, sms_key) = (
        outside.to_string(),
        trust.to_path_buf(),
        sms_key.to_string(),
    );
    start_configured(move |c| {
        c.demo = false;
        c.sms = Some(MobizonSettings {
            api_url: outside.clone(),
            api_key: Some(sms_key),
            sender: Some("QYZMET".into()),
        });
        c.payments = payments;
        c.epay = EpaySettings {
            oauth_url: Some(format!("{outside}/oauth2/token")),
            page_script_url: Some(format!("{outside}/payform/payment-api.js")),
            client_id: Some("qyzmet-merchant".into()),
            client_secret: Some(CLIENT_SECRET.into()),
            terminal: Some("67e34d63-102f-4bd1-898e-370781d0074d".into()),
        };
        c.public_url = Some("https://qyzmet.example.kz".into());
        c.trust_dir = Some(trust);
        c.ocsp_url = Some(format!("{outside}/ocsp"));
        c.tsa_url = Some(format!("{outside}/tsp"));
    })
    .await
}

/// Adds a person to the state registry (the database the portal reads, standing in for the
/// state's), as an operator's feed would.
async fn in_registry(s: &Server, iin: &str, phone: &str) {
    let db = database(s).await;
    sqlx::query("INSERT INTO registry_people (iin, last_name, first_name, patronymic, birth_date, phone) VALUES ($1, 'Сапарова', 'Динара', NULL, '1974-03-03', $2)")
        .bind(iin)
        .bind(phone)
        .execute(&db)
        .await
        .unwrap();
}

/// Asks for a registration code for `PERSON`, in `lang`.
async fn registration_code(s: &Server, tab: &reqwest::Client, lang: &str) -> CodeSent {
    tab.post(s.url(&format!("/api/accounts/verification?lang={lang}")))
        .json(&json!({"login": PERSON}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn code_of(seen: &Shared, n: usize) -> String {
    code_in(&seen.lock().unwrap().sms[n]["text"])
}

#[tokio::test]
async fn production_has_no_test_door_and_proves_people_through_the_sms_provider() {
    let seen = Shared::default();
    let outside = fake_outside(seen.clone()).await;
    let trust = trust_dir();
    let s = production(&outside, trust.path(), KEY).await;
    assert_eq!(
        plain()
            .get(s.url("/api/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // No TEST route answers, none is described, no demo account or key exists.
    for (method, path) in [
        ("GET", "/api/test-sms-outbox/+77011234567"),
        ("GET", "/api/test-payment-gateway/payments/abc"),
        ("POST", "/api/test-payment-gateway/payments/abc/confirm"),
        ("POST", "/api/pki/ocsp"),
        ("POST", "/api/pki/tsp"),
    ] {
        let res = browser()
            .request(method.parse().unwrap(), s.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    for page in ["/test-sms-outbox", "/test-payment-gateway/abc"] {
        assert_eq!(
            plain().get(s.url(page)).send().await.unwrap().status(),
            404,
            "{page}"
        );
    }
    let spec: serde_json::Value = plain()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("test-") && !p.ends_with("/pki/ocsp") && !p.ends_with("/pki/tsp")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| *p == "/api/payments/epay/callback"),
        "{paths:?}"
    );
    let (status, _) = problem(s.login(&browser(), CITIZEN).await).await;
    assert_eq!(status, 401, "no demo account");
    assert!(!s.data.path().join("data/pki/keys").exists(), "no demo key");
    // The trust roots are the operator's files: served for the browser's own check.
    let root = plain()
        .get(s.url("/api/pki/gost/root-ca.cer"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        root.bytes().await.unwrap().as_ref(),
        std::fs::read(trust.path().join("gost/root-ca.cer")).unwrap()
    );

    // Registration by SMS through Mobizon: the text in the asker's language, digits only.
    in_registry(&s, PERSON, PHONE).await;
    let tab = browser();
    let sent = registration_code(&s, &tab, "ru").await;
    assert!(!sent.test_gateway);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.sms.len(), 1);
        assert_eq!(seen.sms[0]["recipient"], "77051234568");
        assert_eq!(seen.sms[0]["from"], "QYZMET");
        assert!(
            seen.sms[0]["text"].contains("код регистрации"),
            "{:?}",
            seen.sms[0]
        );
    }
    // The provider's message id is kept with the (hashed) code.
    let db = database(&s).await;
    let kept: (String, String) = sqlx::query_as(
        "SELECT provider_message_id, code_hash FROM verification_codes WHERE id = $1",
    )
    .bind(&sent.verification_id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(kept.0, "4815162343");
    assert!(!kept.1.contains(&code_of(&seen, 0)));
    let registered = tab
        .post(s.url("/api/accounts"))
        .json(&json!({
            "login": PERSON, "email": "dinara@example.kz", "password": "Dinara-prod-2026",
            "proof": {"method": "sms", "verification_id": sent.verification_id, "code": code_of(&seen, 0)}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);

    // Password login: the second factor comes through Mobizon too.
    let other = browser();
    let sent: CodeSent = s
        .password_step(&other, (PERSON, "Dinara-prod-2026"))
        .await
        .json()
        .await
        .unwrap();
    let res = other
        .post(s.url("/api/session/code"))
        .json(&json!({"verification_id": sent.verification_id, "code": code_of(&seen, 1)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(seen.lock().unwrap().sms.len(), 2);

    // Registering again for an IIN that has an account sends nothing, and says so no more
    // than for one without.
    let again = tab
        .post(s.url("/api/accounts/verification"))
        .json(&json!({"login": PERSON}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 202);
    assert_eq!(seen.lock().unwrap().sms.len(), 2);
}

#[tokio::test]
async fn a_provider_that_refuses_or_is_away_is_a_clear_error_and_nothing_is_counted_as_sent() {
    let seen = Shared::default();
    let outside = fake_outside(seen.clone()).await;
    let trust = trust_dir();
    for (api, key) in [
        (outside.clone(), "broke"),
        (outside.clone(), "wrong-key"),
        (outside.clone(), "slow"),
        ("http://127.0.0.1:9".to_string(), KEY),
    ] {
        let s = production(&api, trust.path(), key).await;
        in_registry(&s, PERSON, PHONE).await;
        let res = browser()
            .post(s.url("/api/accounts/verification?lang=kk"))
            .json(&json!({"login": PERSON}))
            .send()
            .await
            .unwrap();
        let (status, p) = problem(res).await;
        assert_eq!(
            (status, p.code.as_str()),
            (503, "sms.unavailable"),
            "{key} at {api}"
        );
        assert!(p.title.contains("SMS"), "{}", p.title);
        let db = database(&s).await;
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM verification_codes")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 0, "a code that did not go is not kept");
    }
}

#[tokio::test]
async fn a_production_start_without_its_settings_is_refused_with_their_names() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let config = qyzmet_server::Config {
        addr: listener.local_addr().unwrap(),
        data_dir: data.path().to_path_buf(),
        dist_dir: data.path().to_path_buf(),
        catalogue_dir: qyzmet_server::DEFAULT_CATALOGUE_DIR.into(),
        database_url: None,
        demo: false,
        ocsp_url: None,
        tsa_url: None,
        object_store: None,
        trusted_proxies: Vec::new(),
        sms: None,
        payments: PaymentsChoice::Unset,
        epay: EpaySettings::default(),
        public_url: None,
        trust_dir: None,
    };
    let refusal = qyzmet_server::run(config, listener)
        .await
        .unwrap_err()
        .to_string();
    for name in [
        "--sms-provider",
        "--payments",
        "--trust-dir",
        "--ocsp-url",
        "--tsa-url",
        "--demo",
    ] {
        assert!(refusal.contains(name), "{name}: {refusal}");
    }
    assert!(
        !data.path().join("pki").exists(),
        "nothing made before the refusal"
    );
    assert!(!data.path().join("qyzmet.db").exists());
}

/// A draft of a licence whose fee is paid before signing, by a person registered in
/// production.
async fn fee_draft(s: &Server, seen: &Shared) -> (reqwest::Client, String, PaymentView) {
    let tab = registered_in_production(s, seen).await;
    let app: qyzmet_domain::api::ApplicationView = tab
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": "construction-licence", "variant_id": "main"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let payment: PaymentView = tab
        .post(s.url(&format!("/api/applications/{}/payment", app.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (tab, app.id, payment)
}

/// Registers (and so logs in) a person in production; the code comes from the fake provider.
async fn registered_in_production(s: &Server, seen: &Shared) -> reqwest::Client {
    in_registry(s, PERSON, PHONE).await;
    let tab = browser();
    let sent = registration_code(s, &tab, "kk").await;
    let n = seen.lock().unwrap().sms.len() - 1;
    let res = tab
        .post(s.url("/api/accounts"))
        .json(&json!({
            "login": PERSON, "email": "dinara@example.kz", "password": "Dinara-prod-2026",
            "proof": {"method": "sms", "verification_id": sent.verification_id, "code": code_of(seen, n)}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    tab
}

#[tokio::test]
async fn a_fee_is_paid_only_by_the_acquirers_authenticated_callback() {
    let seen = Shared::default();
    let outside = fake_outside(seen.clone()).await;
    let trust = trust_dir();
    let s = production(&outside, trust.path(), KEY).await;
    let (tab, app_id, payment) = fee_draft(&s, &seen).await;
    assert_eq!(
        payment.gateway_url,
        format!("/payments/{}/epay", payment.id)
    );
    // The payment page: a token bound to this invoice and amount, handed to ePay's script.
    let page = tab.get(s.url(&payment.gateway_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("script-src 'self' {outside}")),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("ePay-token-for-this-invoice"), "{html}");
    assert!(html.contains(&format!("{outside}/payform/payment-api.js")));
    let script = plain()
        .get(s.url("/payments/epay.js"))
        .send()
        .await
        .unwrap();
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.text().await.unwrap().contains("halyk.pay("));
    let token = seen.lock().unwrap().tokens.last().cloned().unwrap();
    assert_eq!(token["amount"], "43250");
    assert_eq!(token["currency"], "KZT");
    assert_eq!(
        token["postLink"],
        "https://qyzmet.example.kz/api/payments/epay/callback"
    );
    let invoice = token["invoiceID"].clone();
    let secret = token["secret_hash"].clone();
    // Another person's payment is not found; the payer's return proves nothing.
    assert_eq!(
        browser()
            .get(s.url(&payment.gateway_url))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let status = |tab: reqwest::Client| {
        let url = s.url(&format!("/api/applications/{app_id}/payment"));
        async move {
            tab.get(url)
                .send()
                .await
                .unwrap()
                .json::<PaymentView>()
                .await
                .unwrap()
                .status
        }
    };
    use qyzmet_domain::api::PaymentStatus::{Paid, Pending};
    assert_eq!(status(tab.clone()).await, Pending);

    let callback = |body: serde_json::Value| {
        let url = s.url("/api/payments/epay/callback");
        async move {
            plain()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let paid = |amount: serde_json::Value, secret: &str| {
        json!({
            "id": "b3c6a1f0", "invoiceId": invoice, "amount": amount, "currency": "KZT",
            "code": "ok", "reason": "success", "reasonCode": 0, "reference": "150930102154",
            "cardMask": "440043...0128", "secret_hash": secret
        })
    };
    // Forged: a secret that is not ours for this invoice.
    assert_eq!(callback(paid(json!(43250), "0123abcd")).await, 403);
    assert_eq!(status(tab.clone()).await, Pending);
    // Wrong amount (and currency), with the right secret: refused and kept.
    assert_eq!(callback(paid(json!(4325), &secret)).await, 422);
    let mut other_currency = paid(json!(43250), &secret);
    other_currency["currency"] = json!("USD");
    assert_eq!(callback(other_currency).await, 422);
    assert_eq!(status(tab.clone()).await, Pending);
    // A failed payment is noted and leaves the fee to be paid.
    let mut failed = paid(json!(43250), &secret);
    failed["code"] = json!("error");
    assert_eq!(callback(failed).await, 200);
    assert_eq!(status(tab.clone()).await, Pending);
    // The genuine callback pays; replayed, it changes nothing.
    assert_eq!(callback(paid(json!("43250.00"), &secret)).await, 200);
    assert_eq!(status(tab.clone()).await, Paid);
    assert_eq!(callback(paid(json!(43250), &secret)).await, 200);
    let db = database(&s).await;
    let outcomes: Vec<(String,)> =
        sqlx::query_as("SELECT outcome FROM payment_callbacks ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    let outcomes: Vec<&str> = outcomes.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "forged",
            "wrong_amount",
            "wrong_amount",
            "failed",
            "paid",
            "repeated"
        ]
    );
    let (reference,): (String,) = sqlx::query_as("SELECT provider_reference FROM payments")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(reference, "150930102154");
    // Nobody else's invoice: not found.
    let mut unknown = paid(json!(43250), &secret);
    unknown["invoiceId"] = json!("9999999999");
    assert_eq!(callback(unknown).await, 404);
}

#[test]
fn check_config_prints_what_a_start_would_run_with_and_what_it_lacks() {
    let binary = env!("CARGO_BIN_EXE_qyzmet-server");
    let clean = |c: &mut std::process::Command| {
        for (k, _) in std::env::vars() {
            if k.starts_with("QYZMET_") {
                c.env_remove(k);
            }
        }
    };
    let mut plain_start = std::process::Command::new(binary);
    clean(&mut plain_start);
    let out = plain_start.arg("check-config").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("mode:            production"), "{text}");
    assert!(
        text.contains("--sms-provider") && text.contains("--trust-dir"),
        "{text}"
    );

    let trust = trust_dir();
    let mut complete = std::process::Command::new(binary);
    clean(&mut complete);
    let out = complete
        .arg("check-config")
        .args(["--sms-provider", "mobizon", "--payments", "off"])
        .arg("--trust-dir")
        .arg(trust.path())
        .args([
            "--ocsp-url",
            "http://ocsp.pki.gov.kz/",
            "--tsa-url",
            "http://tsp.pki.gov.kz/",
        ])
        .args([
            "--database-url",
            "postgres://qyzmet:db-password-here@db:5432/qyzmet",
        ])
        .env("QYZMET_MOBIZON_API_KEY", KEY)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("complete"), "{text}");
    assert!(
        !text.contains(KEY) && !text.contains("db-password-here"),
        "{text}"
    );
    assert!(text.contains("payments:        off"), "{text}");

    // Started so, the binary says the same and stops before it makes anything.
    let data = tempfile::tempdir().unwrap();
    let mut start = std::process::Command::new(binary);
    clean(&mut start);
    let out = start
        .arg("--data-dir")
        .arg(data.path().join("data"))
        .args(["--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.starts_with("qyzmet-server will not start in production mode"),
        "{said}"
    );
    assert!(
        said.contains("--tsa-url") && said.contains("--demo"),
        "{said}"
    );
    assert!(!data.path().join("data").exists());

    // The demo needs nothing more.
    let mut demo = std::process::Command::new(binary);
    clean(&mut demo);
    let out = demo.args(["check-config", "--demo"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("TEST outbox"));
}

#[tokio::test]
async fn with_payments_off_a_fee_cannot_be_started_and_says_why() {
    let seen = Shared::default();
    let outside = fake_outside(seen.clone()).await;
    let trust = trust_dir();
    let s = production_paying(&outside, trust.path(), KEY, PaymentsChoice::Off).await;
    let tab = registered_in_production(&s, &seen).await;
    let app: qyzmet_domain::api::ApplicationView = tab
        .post(s.url("/api/applications"))
        .json(&json!({"service_id": "construction-licence", "variant_id": "main"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = tab
        .post(s.url(&format!("/api/applications/{}/payment", app.id)))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(res).await;
    assert_eq!((status, p.code.as_str()), (503, "payment.unavailable"));
    let paths = plain()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(paths["paths"].get("/api/payments/epay/callback").is_none());
    assert!(seen.lock().unwrap().tokens.is_empty(), "no acquirer asked");
    // The RSA chain came as PEM: served as the DER the browser's check reads.
    let root = plain()
        .get(s.url("/api/pki/root-ca.cer"))
        .send()
        .await
        .unwrap();
    let der = root.bytes().await.unwrap();
    assert_eq!(der[0], 0x30, "DER, not PEM");
    assert_eq!(
        qyzmet_server::pki::pem("CERTIFICATE", &der),
        std::fs::read_to_string(trust.path().join("root-ca.cer")).unwrap()
    );
}
