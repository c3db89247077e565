//! Live status across reconnects and across instances: the notifications table is the event
//! log (an event's id is its notification's), a stream that comes back with `Last-Event-ID`
//! gets what it missed, and on PostgreSQL a change committed through one instance reaches
//! streams connected to another.

use crate::common::*;
use qyzmet_domain::api::NotificationList;
use std::time::Duration;

const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");

/// Reads a stream until `wanted` appears (or fails after `within`).
async fn read_until(stream: &mut reqwest::Response, wanted: &str, within: Duration) -> String {
    let mut received = String::new();
    let started = std::time::Instant::now();
    while !received.contains(wanted) {
        let left = within.saturating_sub(started.elapsed());
        let chunk = tokio::time::timeout(left, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("{wanted:?} within {within:?}; got {received:?}"))
            .unwrap()
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    received
}

/// What a stream says within `wait` (nothing but keep-alive comments, when quiet).
async fn said_within(stream: &mut reqwest::Response, wait: Duration) -> String {
    let mut said = String::new();
    let until = tokio::time::Instant::now() + wait;
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(until, stream.chunk()).await {
        said.push_str(&String::from_utf8_lossy(&chunk));
    }
    said
}

async fn events(
    s: &Server,
    tab: &reqwest::Client,
    last_event_id: Option<i64>,
) -> reqwest::Response {
    let mut req = tab.get(s.url("/api/events"));
    if let Some(id) = last_event_id {
        req = req.header("Last-Event-ID", id.to_string());
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res
}

#[tokio::test]
async fn a_stream_that_comes_back_gets_what_it_missed_and_nothing_twice() {
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let list: NotificationList = get_json(&s, &citizen, "/api/notifications").await;
    let registered = list.notifications[0].id;

    // The page was closed (or the network dropped) while the officer took it into review.
    let officer = logged_in(&s, OFFICER).await;
    to_examination(&s, &officer, &request.id).await;
    let list: NotificationList = get_json(&s, &citizen, "/api/notifications").await;
    let in_review = list.notifications[0].id;
    assert!(in_review > registered);

    // Back, as EventSource reconnects: the last id it had.
    let mut back = events(&s, &citizen, Some(registered)).await;
    let got = read_until(&mut back, "in_review", Duration::from_secs(5)).await;
    assert!(got.contains(&format!("id: {in_review}")), "{got}");
    assert!(got.contains(&request.id), "{got}");
    assert!(
        !got.contains("\"registered\""),
        "nothing it had already: {got}"
    );

    // A stream that had everything, and a new one, hear nothing old.
    let mut current = events(&s, &citizen, Some(in_review)).await;
    let mut fresh = events(&s, &citizen, None).await;
    assert!(
        !said_within(&mut current, Duration::from_millis(500))
            .await
            .contains("event:")
    );
    assert!(
        !said_within(&mut fresh, Duration::from_millis(200))
            .await
            .contains("event:")
    );
    // An id we never gave is refused, not read as "from the start".
    let res = citizen
        .get(s.url("/api/events"))
        .header("Last-Event-ID", "not-an-id")
        .send()
        .await
        .unwrap();
    expect_problem(res, 400, "request.malformed").await;
    // Another's id does not open their events to me.
    let other = logged_in(&s, ("751102323458", "Erlan-demo-2026")).await;
    let mut theirs = events(&s, &other, Some(0)).await;
    let said = said_within(&mut theirs, Duration::from_millis(500)).await;
    assert!(!said.contains(&request.id), "{said}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn a_change_through_one_instance_reaches_a_stream_on_another() {
    assert!(
        test_postgres().is_some(),
        "QYZMET_TEST_POSTGRES names the suite's PostgreSQL"
    );
    let a = start().await;
    let b = start_on_database(&a.database_url).await;
    let citizen = logged_in(&b, CITIZEN).await;
    let request = registered_guardianship(&b, &citizen).await;
    let mut stream = events(&b, &citizen, None).await;

    let officer = logged_in(&a, OFFICER).await;
    let decided = std::time::Instant::now();
    to_examination(&a, &officer, &request.id).await;
    let got = read_until(&mut stream, "in_review", Duration::from_secs(1)).await;
    assert!(got.contains(&request.id), "{got}");
    eprintln!("instance A → stream on B: {:?}", decided.elapsed());
    // Once only, though both instances hear the database.
    let more = said_within(&mut stream, Duration::from_millis(500)).await;
    assert!(!more.contains("in_review"), "delivered twice: {more}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn login_failures_on_two_instances_add_up_to_one_lock() {
    assert!(
        test_postgres().is_some(),
        "QYZMET_TEST_POSTGRES names the suite's PostgreSQL"
    );
    let a = start().await;
    let b = start_on_database(&a.database_url).await;
    let wrong = (CITIZEN.0, "not-the-password");
    for s in [&a, &b, &a, &b, &a] {
        let (status, p) = problem(s.password_step(&browser(), wrong).await).await;
        assert_eq!((status, p.code.as_str()), (401, "auth.invalid_credentials"));
    }
    // The fifth failure locked the account, from this address, on every instance, even for
    // the right password.
    for s in [&b, &a] {
        let (status, p) = problem(s.password_step(&browser(), CITIZEN).await).await;
        assert_eq!((status, p.code.as_str()), (429, "auth.throttled"), "{p:?}");
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `cargo xtask test` starts one and runs this with QYZMET_TEST_POSTGRES"]
async fn a_listener_that_loses_its_database_connection_reconnects() {
    assert!(
        test_postgres().is_some(),
        "QYZMET_TEST_POSTGRES names the suite's PostgreSQL"
    );
    let s = start().await;
    let citizen = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &citizen).await;
    let mut stream = events(&s, &citizen, None).await;
    // The database drops the listening connection (a failover, a restart, a proxy's timeout).
    let db = database(&s).await;
    let ended: Vec<i64> = sqlx::query_scalar(
        "SELECT 1::bigint FROM pg_stat_activity WHERE datname = current_database() \
         AND query ILIKE 'LISTEN%' AND pg_terminate_backend(pid)",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(!ended.is_empty(), "a listener was connected");
    let officer = logged_in(&s, OFFICER).await;
    to_examination(&s, &officer, &request.id).await;
    let got = read_until(&mut stream, "in_review", Duration::from_secs(5)).await;
    assert!(got.contains(&request.id), "{got}");
}
