//! Registration, login, sessions, throttling and the CSRF rule, over real HTTP.

use crate::common::*;
use qyzmet_domain::api::{Role, SessionView};
use serde_json::json;

#[tokio::test]
async fn a_demo_citizen_logs_in_sees_the_session_and_logs_out() {
    let s = start().await;
    let tab = browser();
    let res = s.login(&tab, CITIZEN).await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.display_name, "Нұрланова Айгүл Серікқызы");
    assert_eq!(session.account.role, Role::Applicant);

    let now: SessionView = tab
        .get(s.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(now.seconds_left > 0 && now.seconds_left <= 30 * 60);
    // The 12-hour limit is reported apart, so the app can warn before whichever comes first.
    assert!(
        now.absolute_seconds_left > 12 * 3600 - 60 && now.absolute_seconds_left <= 12 * 3600,
        "{}",
        now.absolute_seconds_left
    );
    let kept: SessionView = tab
        .post(s.url("/api/session/keepalive"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept.account.login, CITIZEN.0);

    assert_eq!(
        tab.delete(s.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let (status, p) = problem(tab.get(s.url("/api/session")).send().await.unwrap()).await;
    assert_eq!((status, p.code.as_str()), (401, "auth.required"));
}

#[tokio::test]
async fn the_holder_sees_other_sessions_and_ends_them_keeping_this_one() {
    let s = start().await;
    let (laptop, phone, stranger) = (browser(), browser(), browser());
    let first: SessionView = s.login(&laptop, CITIZEN).await.json().await.unwrap();
    assert_eq!(first.other_sessions, 0);
    // A second device of the same person, and another person: only the first counts.
    let second: SessionView = s.login(&phone, CITIZEN).await.json().await.unwrap();
    assert_eq!(second.other_sessions, 1);
    assert_eq!(s.login(&stranger, COMPANY).await.status(), 200);
    let seen = |tab: &reqwest::Client| {
        let req = tab.get(s.url("/api/session"));
        async move { req.send().await.unwrap() }
    };
    let laptop_view: SessionView = seen(&laptop).await.json().await.unwrap();
    assert_eq!(laptop_view.other_sessions, 1);

    let res = phone
        .delete(s.url("/api/session/others"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after: SessionView = res.json().await.unwrap();
    assert_eq!(
        (after.account.login.as_str(), after.other_sessions),
        (CITIZEN.0, 0)
    );
    // The laptop is logged out; the phone and the other person are not.
    let (status, p) = problem(seen(&laptop).await).await;
    assert_eq!((status, p.code.as_str()), (401, "auth.required"));
    assert_eq!(seen(&phone).await.status(), 200);
    assert_eq!(seen(&stranger).await.status(), 200);
    // Without a session there is nothing to end.
    let (status, _) = problem(
        laptop
            .delete(s.url("/api/session/others"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_revoked_token_stays_dead_even_if_replayed() {
    let s = start().await;
    let tab = browser();
    let res = s.login(&tab, COMPANY).await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    tab.delete(s.url("/api/session")).send().await.unwrap();
    let replay = plain()
        .get(s.url("/api/session"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_logins_get_the_same_answer() {
    let s = start().await;
    for (login, password) in [
        (CITIZEN.0, "wrong-password"),
        (UNREGISTERED_PERSON, "whatever-123"),
        ("not a number", "x"),
    ] {
        let (status, p) = problem(s.login(&browser(), (login, password)).await).await;
        assert_eq!(
            (status, p.code.as_str()),
            (401, "auth.invalid_credentials"),
            "{login}"
        );
    }
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_a_wait_time() {
    let s = start().await;
    let tab = browser();
    for _ in 0..5 {
        assert_eq!(
            s.login(&tab, (CITIZEN.0, "wrong-password")).await.status(),
            401
        );
    }
    let res = s.login(&tab, (CITIZEN.0, "wrong-password")).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (_, p) = problem(res).await;
    assert_eq!(p.code, "auth.throttled");
    assert_eq!(p.retry_after, Some(retry));
    assert!(retry > 0 && retry <= 300);
    // From there even the right password waits now; spaces in the login do not dodge it.
    let spaced = "880 315 412 341";
    let (status, _) = problem(s.login(&tab, (spaced, CITIZEN.1)).await).await;
    assert_eq!(status, 429);
    // Another account from the same address is not locked by this one.
    assert_eq!(s.login(&tab, COMPANY).await.status(), 200);
    // The lock follows the one who failed: the holder on their own address logs in.
    assert_eq!(
        s.login(&behind_proxy("198.51.100.23"), CITIZEN)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn parallel_guesses_get_exactly_the_limit_of_answers_and_never_a_500() {
    let s = start().await;
    let tries = (0..30).map(|_| {
        let (s, tab) = (&s, browser());
        async move {
            s.password_step(&tab, (CITIZEN.0, "wrong-password"))
                .await
                .status()
                .as_u16()
        }
    });
    let mut answers = futures_join(tries).await;
    answers.sort();
    assert_eq!(
        answers,
        [[401; 5].as_slice(), [429; 25].as_slice()].concat()
    );
    // Wrong codes for one login code, in parallel: five answered as wrong, the rest wait.
    // (From other addresses: the one above is locked now, as it should be.)
    let holder = behind_proxy("198.51.100.40");
    let sent: qyzmet_domain::api::CodeSent = s
        .password_step(&holder, COMPANY)
        .await
        .json()
        .await
        .unwrap();
    let tries = (0..30).map(|_| {
        let (s, tab, id) = (
            &s,
            behind_proxy("198.51.100.41"),
            sent.verification_id.clone(),
        );
        async move {
            tab.post(s.url("/api/session/code"))
                .json(&json!({"verification_id": id, "code": "000000"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let mut answers = futures_join(tries).await;
    answers.sort();
    assert_eq!(
        answers,
        [[422; 5].as_slice(), [429; 25].as_slice()].concat()
    );
}

/// Runs the futures at once, their answers in order.
async fn futures_join<F: std::future::Future<Output = u16>>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let mut set = Vec::new();
    for f in futures {
        set.push(f);
    }
    let mut out = Vec::new();
    let joined = futures_util::future::join_all(set).await;
    out.extend(joined);
    out
}

#[tokio::test]
async fn registration_checks_format_registry_and_password_then_proves_and_logs_in() {
    let s = start().await;
    let tab = browser();
    let no_proof = json!({"method": "sms", "verification_id": "none", "code": "000000"});
    let body = |login: &str, password: &str| json!({"login": login, "email": "t@example.kz", "password": password, "proof": no_proof});

    let (status, p) = problem(
        tab.post(s.url("/api/accounts?lang=ru"))
            .json(&body("801201700123", "short"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, p.code.as_str()), (422, "validation"));
    let fields: Vec<(&str, &str)> = p
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("login", "identifier.century"),
            ("password", "password.too_short")
        ]
    );
    assert_eq!(p.title, "Проверьте введённые данные.");

    // A valid IIN that the registry does not know.
    let (_, p) = problem(
        tab.post(s.url("/api/accounts"))
            .json(&body("880315400000", "a-good-passphrase"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.errors[0].code, "registry.not_found");

    let (_, p) = problem(
        tab.post(s.url("/api/accounts"))
            .json(&body(UNREGISTERED_PERSON, "qwerty123"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p.errors[0].code, "password.common");

    let res = register_with_sms(&s, &tab, UNREGISTERED_PERSON, "жаңа-құпия-сөз").await;
    assert_eq!(res.status(), 201);
    let session: SessionView = res.json().await.unwrap();
    assert_eq!(session.account.display_name, "Әбенов Талғат Сейітұлы");
    // The contact phone is the one the state holds, which the code proved.
    assert_eq!(session.account.phone, registry_phone(UNREGISTERED_PERSON));
    assert!(
        tab.get(s.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );

    // Nobody learns from a code request that the account exists now: it answers as before,
    // but no code goes, so a second registration proves nothing.
    let again = browser();
    let res = again
        .post(s.url("/api/accounts/verification"))
        .json(&json!({"login": UNREGISTERED_PERSON}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let decoy: qyzmet_domain::api::CodeSent = res.json().await.unwrap();
    let res = again
        .post(s.url("/api/accounts"))
        .json(&json!({"login": UNREGISTERED_PERSON, "email": "t@example.kz", "password": "another-passphrase",
            "proof": {"method": "sms", "verification_id": decoy.verification_id, "code": "123456"}}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 422, "verification.expired").await;
}

#[tokio::test]
async fn state_changes_without_the_csrf_header_are_refused() {
    let s = start().await;
    let res = plain()
        .post(s.url("/api/session"))
        .json(&json!({"login": CITIZEN.0, "password": CITIZEN.1}))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(res).await;
    assert_eq!((status, p.code.as_str()), (403, "csrf.missing"));
}

#[tokio::test]
async fn malformed_bodies_get_their_own_problems_never_a_500() {
    let s = start().await;
    let tab = browser();
    let send = |body: &'static str, content_type: &'static str| {
        tab.post(s.url("/api/session"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, p) = problem(send("{not json", "application/json").await.unwrap()).await;
    assert_eq!((status, p.code.as_str()), (400, "request.malformed"));
    let (status, p) = problem(send("{\"login\": 5}", "application/json").await.unwrap()).await;
    assert_eq!((status, p.code.as_str()), (400, "request.malformed"));
    let (status, p) = problem(
        send("login=x", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, p.code.as_str()),
        (415, "request.unsupported_media_type")
    );
    let big = "x".repeat(2 * 1024 * 1024);
    let res = tab
        .post(s.url("/api/session"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn registered_accounts_survive_a_restart() {
    let s = start().await;
    let tab = browser();
    assert_eq!(
        register_with_sms(&s, &tab, UNREGISTERED_PERSON, "жаңа-құпия-сөз")
            .await
            .status(),
        201
    );
    let again = s.restart().await;
    assert_eq!(
        again
            .login(&browser(), (UNREGISTERED_PERSON, "жаңа-құпия-сөз"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn reading_the_session_does_not_extend_it_and_an_action_does() {
    let s = start().await;
    let tab = browser();
    assert_eq!(s.login(&tab, CITIZEN).await.status(), 200);
    let db = database(&s).await;
    let last_seen = || async {
        sqlx::query_scalar::<_, i64>("SELECT last_seen_at FROM sessions WHERE revoked = 0")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let at_login = last_seen().await;
    // The clock counts whole seconds: let one pass.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The app's countdown polls this; it must not keep an idle session alive, and the
    // answer says it did not (the app restarts its countdown on the header alone).
    let renewed = qyzmet_domain::api::SESSION_RENEWED_HEADER;
    let poll = tab.get(s.url("/api/session")).send().await.unwrap();
    assert_eq!(poll.status(), 200);
    assert!(poll.headers().get(renewed).is_none());
    assert_eq!(last_seen().await, at_login);
    // A real action (or "stay logged in") does, and says so.
    let action = tab
        .post(s.url("/api/session/keepalive"))
        .send()
        .await
        .unwrap();
    assert_eq!(action.status(), 200);
    assert_eq!(action.headers()[renewed], "1");
    assert!(last_seen().await > at_login);
    let read = tab.get(s.url("/api/applications")).send().await.unwrap();
    assert_eq!(read.headers()[renewed], "1");
    // Without a session nothing is renewed.
    let anonymous = plain()
        .get(s.url("/api/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().get(renewed).is_none());
}

#[tokio::test]
async fn behind_a_proxy_each_visitor_is_counted_by_their_own_address() {
    let s = start().await;
    // One visitor tries 30 logins (each a different unknown account, so no account locks).
    let guesser = behind_proxy("203.0.113.7");
    let mut last = 0;
    for i in 0..30 {
        let login = format!("unknown-{i}");
        last = s
            .login(&guesser, (&login, "wrong-password"))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(
        last, 401,
        "the 30th failure from one address is answered as itself"
    );
    let (status, _) = problem(s.login(&guesser, ("unknown-31", "wrong-password")).await).await;
    assert_eq!(status, 429, "and locks the address");
    let (status, p) = problem(s.login(&guesser, CITIZEN).await).await;
    assert_eq!((status, p.code.as_str()), (429, "auth.throttled"));
    // Another visitor behind the same proxy is not locked out by them.
    let neighbour = behind_proxy("203.0.113.8");
    assert_eq!(s.login(&neighbour, CITIZEN).await.status(), 200);
    // The guesser cannot step aside by claiming another address: the proxy appends the one
    // it saw, and that is the one counted.
    let claims = behind_proxy("198.51.100.1, 203.0.113.7");
    let (status, _) = problem(s.login(&claims, COMPANY).await).await;
    assert_eq!(status, 429);
}
