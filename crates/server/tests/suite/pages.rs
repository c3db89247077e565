//! Pages rendered by the server (the app's components, `qyzmet::first_paint`): every route
//! answers with its page in the visitor's language before any script runs, to anyone, logged in
//! or not — and rendering never takes the server down.

use crate::common::*;

const OFFICER: (&str, &str) = ("770214324684", "Officer-demo-2026");

async fn page(s: &Server, tab: &reqwest::Client, path: &str, lang: &str) -> (u16, String) {
    let res = tab
        .get(s.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// The server's copy of the page: what is inside `<div id="first-paint">`.
fn first_paint(html: &str) -> &str {
    let start = html
        .find("<div id=\"first-paint\"")
        .expect("the page carries the server's copy");
    // Up to the data the page carries for the app (`sent_with`).
    let end = html
        .find("<script type=\"application/json\"")
        .unwrap_or(html.len());
    &html[start..end]
}

#[tokio::test]
async fn the_catalogue_reads_and_filters_without_script_in_every_language() {
    let s = start().await;
    let anonymous = browser();
    for (lang, heading, guardianship) in [
        ("kk", "Қызметтер каталогы", "Қорғаншылық"),
        ("ru", "Каталог услуг", "опек"),
        ("en", "Service catalogue", "guardianship"),
    ] {
        let (status, html) = page(&s, &anonymous, "/", lang).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(html.contains("<meta name=\"description\""), "{lang}");
        let body = first_paint(&html);
        assert!(body.contains(heading), "{lang}: {heading}");
        assert!(
            body.to_lowercase().contains(&guardianship.to_lowercase()),
            "{lang}: the catalogue lists guardianship"
        );
        // The filters are a GET form: without script, sending it asks the server to filter.
        assert!(body.contains("method=\"get\""), "{lang}");
        assert!(body.contains("name=\"q\""), "{lang}");
    }
    let (_, all) = page(&s, &anonymous, "/", "en").await;
    let (_, found) = page(&s, &anonymous, "/?q=guardianship", "en").await;
    let cards = |html: &str| first_paint(html).matches("class=\"service-card").count();
    assert!(cards(&all) > 1, "the whole catalogue");
    assert!(
        (1..cards(&all)).contains(&cards(&found)),
        "a search narrows the list"
    );
    assert!(
        found.contains("value=\"guardianship\""),
        "the search field keeps the words searched"
    );
    let (_, companies) = page(&s, &anonymous, "/?who=company&channel=online", "en").await;
    assert!(cards(&companies) < cards(&all));
    assert!(companies.contains("<option value=\"company\" selected"));
}

#[tokio::test]
async fn a_service_page_reads_in_full_and_an_unknown_one_is_not_found() {
    let s = start().await;
    let anonymous = browser();
    let (status, html) = page(&s, &anonymous, "/services/guardianship", "ru").await;
    assert_eq!(status, 200);
    let body = first_paint(&html);
    assert!(html.contains("<title>"), "titled");
    for shown in ["prepare-heading", "provider-heading", "apply-heading"] {
        assert!(
            body.contains(shown),
            "the service page shows its {shown} section"
        );
    }
    // 004 names a rule of its own for the State Corporation: stated beside the term.
    let text = body.replace("<!>", "");
    assert!(
        text.contains("Срок при обращении в Госкорпорацию</dt><dd>30 календарных дней; день приёма в срок не входит"),
        "{text}"
    );
    let (_, html) = page(&s, &anonymous, "/services/design-licence", "ru").await;
    assert!(
        !first_paint(&html).contains("Госкорпорацию</dt>"),
        "no such rule in 000"
    );
    let (status, html) = page(&s, &anonymous, "/services/no-such-service", "en").await;
    assert_eq!(status, 404);
    assert!(first_paint(&html).contains("There is no such service in the catalogue."));
    let (status, html) = page(&s, &anonymous, "/no/such/page", "kk").await;
    assert_eq!(status, 404);
    assert!(html.contains("<html lang=\"kk\">"));
}

#[tokio::test]
async fn every_route_renders_for_visitors_applicants_and_officers() {
    let s = start().await;
    let applicant = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &applicant, "guardianship").await.id;
    let officer = logged_in(&s, OFFICER).await;
    let routes = [
        "/".to_string(),
        "/login".into(),
        "/login?next=/cabinet".into(),
        "/register".into(),
        "/test-sms-outbox".into(),
        "/services/guardianship".into(),
        "/cabinet".into(),
        format!("/applications/{draft}/edit"),
        format!("/applications/{draft}/sign"),
        format!("/applications/{draft}"),
        format!("/test-payment-gateway/{draft}"),
        "/officer".into(),
        "/admin/staff".into(),
        "/counter".into(),
        format!("/officer/requests/{draft}"),
        "/verify/ABCDE-FGHJK".into(),
    ];
    for (who, tab) in [
        ("visitor", browser()),
        ("applicant", applicant),
        ("officer", officer),
    ] {
        for lang in ["kk", "ru", "en"] {
            for route in &routes {
                let (status, html) = page(&s, &tab, route, lang).await;
                // A code nobody printed is not found (the page says so).
                let expected = if route.starts_with("/verify/") {
                    404
                } else {
                    200
                };
                assert_eq!(status, expected, "{who} {lang} {route}");
                assert!(
                    html.contains("class=\"site-header\""),
                    "{who} {lang} {route}"
                );
            }
        }
    }
    // Logged in, the header says who, and no shared cache may keep the page.
    let tab = logged_in(&s, CITIZEN).await;
    let (_, html) = page(&s, &tab, "/", "en").await;
    assert!(first_paint(&html).contains("account-name"));
    let res = tab.get(s.url("/cabinet")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    let anonymous = browser().get(s.url("/")).send().await.unwrap();
    assert_eq!(anonymous.headers()["cache-control"], "no-cache");
    let (_, html) = page(&s, &browser(), "/", "en").await;
    assert!(!first_paint(&html).contains("account-name"));
}

#[tokio::test]
async fn the_language_cookie_outranks_the_browser_and_pages_revalidate_with_etags() {
    let s = start().await;
    let tab = browser();
    let res = tab
        .get(s.url("/login"))
        .header("accept-language", "en")
        .header("cookie", "qyzmet_lang=ru")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert!(res.text().await.unwrap().contains("<html lang=\"ru\">"));
    let again = tab
        .get(s.url("/login"))
        .header("accept-language", "en")
        .header("cookie", "qyzmet_lang=ru")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let other = tab
        .get(s.url("/login"))
        .header("accept-language", "en")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another language is another page");
}

/// A form post as a browser without script sends it: urlencoded, from this site.
async fn post_form(
    s: &Server,
    tab: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    tab.post(s.url(path))
        .header("origin", &s.base)
        .header("accept-language", "en")
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The value of the hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} field"));
    let rest = &html[at..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_login_form_logs_in_without_script() {
    let s = start().await;
    let tab = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (login, password) = CITIZEN;
    // A wrong password: the form again, the login kept, the error named.
    let res = post_form(
        &s,
        &tab,
        "/login",
        &[("login", login), ("password", "wrong"), ("next", "")],
    )
    .await;
    assert_eq!(res.status(), 401);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{login}\"")),
        "the login is kept"
    );
    assert!(html.contains("error-summary"), "the error is summarised");
    // A malformed IIN is named beside its field before any password is tried.
    let res = post_form(&s, &tab, "/login", &[("login", "12345"), ("password", "x")]).await;
    assert_eq!(res.status(), 422);
    // The right password: the code step, the code sent to the registry's phone.
    let res = post_form(
        &s,
        &tab,
        "/login",
        &[
            ("login", login),
            ("password", password),
            ("next", "/services/guardianship"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("action=\"/login/code\""));
    let id = hidden(&html, "verification_id");
    let next = hidden(&html, "next");
    assert_eq!(next, "/services/guardianship");
    // A wrong code keeps the code step.
    let fields = |code: &'static str| {
        vec![
            ("verification_id", id.clone()),
            ("code", code.to_string()),
            ("next", next.clone()),
            ("phone_masked", hidden(&html, "phone_masked")),
            ("expires_at", hidden(&html, "expires_at")),
        ]
    };
    let wrong: Vec<(&str, String)> = fields("000000");
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(&s, &tab, "/login/code", &wrong).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("action=\"/login/code\""));
    // The right code: logged in, on to where the visitor was going.
    let code = s.code_for(&registry_phone(login), &id).await;
    let mut right = fields("");
    right[1].1 = code;
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post_form(&s, &tab, "/login/code", &right).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/services/guardianship");
    let (_, html) = page(&s, &tab, "/cabinet", "en").await;
    assert!(first_paint(&html).contains("account-name"), "logged in");
    assert!(
        first_paint(&html).contains("action=\"/logout\""),
        "log out as a form"
    );
    // The code step's address opened again leads to the login page, not an error.
    let res = tab.get(s.url("/login/code")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");
    // "Log out" posted from another site's page ends nothing.
    let res = tab
        .post(s.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, html) = page(&s, &tab, "/cabinet", "en").await;
    assert!(
        first_paint(&html).contains("account-name"),
        "still logged in"
    );
    // From this site's page: the session ends, home.
    let res = post_form(&s, &tab, "/logout", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    let (_, html) = page(&s, &tab, "/cabinet", "en").await;
    assert!(!first_paint(&html).contains("account-name"), "logged out");
    assert_eq!(
        tab.get(s.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_login_form_from_another_site_is_refused() {
    let s = start().await;
    let (login, password) = CITIZEN;
    let res = plain()
        .post(s.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = plain()
        .post(s.url("/login"))
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "no sign of where the form came from");
}

#[tokio::test]
async fn the_page_says_whether_it_was_rendered_for_a_session() {
    // The app asks the server for the session only when there may be one: an anonymous visit
    // then logs no 401 in the browser's console.
    let s = start().await;
    let (_, html) = page(&s, &browser(), "/", "en").await;
    assert!(html.contains("data-session=\"none\""));
    let tab = logged_in(&s, CITIZEN).await;
    let (_, html) = page(&s, &tab, "/", "en").await;
    assert!(html.contains("data-session=\"yes\""));
}

/// The value of the server's copy's `attribute`, if it has it.
fn copy_attribute(html: &str, attribute: &str) -> Option<String> {
    let tag = first_paint(html);
    let tag = &tag[..tag.find('>').unwrap()];
    let at = tag.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    Some(tag[at..at + tag[at..].find('"').unwrap()].to_string())
}

#[tokio::test]
async fn the_app_comes_when_the_page_needs_it() {
    // A page that reads brings the app when it is used (`start.js`); a page whose work is the
    // app's brings it at once.
    let s = start().await;
    for path in [
        "/",
        "/services/guardianship",
        "/login",
        "/register",
        "/verify/AAAAA-AAAAA",
    ] {
        let (_, html) = page(&s, &browser(), path, "en").await;
        assert_eq!(
            copy_attribute(&html, "data-start").as_deref(),
            Some("on-use"),
            "{path}"
        );
        assert_eq!(
            copy_attribute(&html, "data-start-by"),
            None,
            "{path}: no session"
        );
    }
    let applicant = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &applicant).await;
    let (_, html) = page(
        &s,
        &applicant,
        &format!("/applications/{}", request.id),
        "en",
    )
    .await;
    assert_eq!(
        copy_attribute(&html, "data-start").as_deref(),
        Some("on-use")
    );
    // In time for the session's timeout warning (30 min idle, warned 2 min before): a minute
    // early.
    let by: i64 = copy_attribute(&html, "data-start-by")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (30 * 60 - 120 - 60 - 5..=30 * 60 - 120 - 60).contains(&by),
        "{by}"
    );
    // And when the request shown has news.
    assert_eq!(
        copy_attribute(&html, "data-live-request"),
        Some(request.id.clone())
    );
    assert_eq!(
        copy_attribute(&html, "data-live-events").as_deref(),
        Some("/api/events")
    );
    let (_, html) = page(&s, &applicant, "/cabinet", "en").await;
    assert_eq!(
        copy_attribute(&html, "data-start").as_deref(),
        Some("on-use")
    );
    assert_eq!(copy_attribute(&html, "data-live-request"), None);
    // The editor and the staff's desk: at once.
    let draft = new_draft(&s, &applicant, "guardianship").await;
    let (_, html) = page(
        &s,
        &applicant,
        &format!("/applications/{}/edit", draft.id),
        "en",
    )
    .await;
    assert_eq!(copy_attribute(&html, "data-start"), None);
    let officer = logged_in(&s, OFFICER).await;
    let (_, html) = page(&s, &officer, "/officer", "en").await;
    assert_eq!(copy_attribute(&html, "data-start"), None);
}

#[tokio::test]
async fn a_request_and_the_cabinet_read_without_script_for_their_applicant_only() {
    let s = start().await;
    let applicant = logged_in(&s, CITIZEN).await;
    let request = registered_guardianship(&s, &applicant).await;
    let number = request.registration_number.clone().unwrap();
    let (status, html) = page(
        &s,
        &applicant,
        &format!("/applications/{}", request.id),
        "en",
    )
    .await;
    assert_eq!(status, 200);
    let body = first_paint(&html);
    assert!(body.contains(&number), "the registration number");
    assert!(
        body.contains(&format!("status-{}", request.status.code())),
        "the status: {body}"
    );
    assert!(body.contains("timeline-title"), "the history");
    assert!(
        html.contains(&format!("<title>Request {number}")),
        "titled by its number"
    );
    // The cabinet lists it, and its filters work as a GET form.
    let listed = |html: &str| {
        let list = &html[html.find("class=\"application-list\"").expect("the list")..];
        list[..list.find("</ul>").unwrap()].to_string()
    };
    let (_, html) = page(&s, &applicant, "/cabinet", "en").await;
    assert!(listed(&html).contains(&number));
    assert!(
        listed(&html).contains("Guardianship"),
        "named as the catalogue names it"
    );
    let (_, html) = page(&s, &applicant, "/cabinet?status=satisfied", "en").await;
    assert!(!listed(&html).contains(&number), "filtered out");
    // Another applicant's copy of the page shows nothing of it.
    let other = logged_in(&s, COMPANY).await;
    let (_, html) = page(&s, &other, &format!("/applications/{}", request.id), "en").await;
    assert!(!html.contains(&number));
    let (_, html) = page(
        &s,
        &browser(),
        &format!("/applications/{}", request.id),
        "en",
    )
    .await;
    assert!(!html.contains(&number), "nor does a visitor's");
}

#[tokio::test]
async fn an_office_only_service_says_how_to_reach_its_provider_and_cites_its_regulation() {
    let s = start().await;
    for (lang, act) in [
        (
            "kk",
            "Шымкент қаласы әкімдігінің 2018 жылғы 29 қазандағы № 219 қаулысы, 4-қосымша",
        ),
        (
            "ru",
            "Постановление акимата города Шымкент от 29 октября 2018 года № 219, приложение 4",
        ),
        (
            "en",
            "Shymkent city akimat resolution No. 219 of 29 October 2018, annex 4",
        ),
    ] {
        let (status, html) = page(
            &s,
            &browser(),
            "/services/project-management-accreditation",
            lang,
        )
        .await;
        assert_eq!(status, 200);
        let body = first_paint(&html);
        assert!(
            body.contains(act),
            "{lang}: the regulation cited in its language"
        );
        assert!(!body.contains("000 annex"), "{lang}: no internal code");
        assert!(body.contains("1414"), "{lang}: the unified contact centre");
    }
    // A provider whose address the regulation gives is not sent to 1414.
    let (_, html) = page(&s, &browser(), "/services/expert-attestation-almaty", "en").await;
    assert!(!first_paint(&html).contains("1414"));
}

/// What the page carries for the app's first page: `<script type="application/json"
/// id="qyzmet-preloaded">`, parsed.
fn sent_with(html: &str) -> serde_json::Value {
    const OPEN: &str = "<script type=\"application/json\" id=\"qyzmet-preloaded\">";
    let start = html.find(OPEN).expect("the page carries its data") + OPEN.len();
    let json = &html[start..start + html[start..].find("</script>").unwrap()];
    serde_json::from_str(json).expect("JSON")
}

#[tokio::test]
async fn the_page_carries_what_it_was_drawn_with_and_no_text_can_end_its_script() {
    let s = start().await;
    // A visitor's catalogue: the services the list shows, no session.
    let (_, html) = page(&s, &browser(), "/", "en").await;
    let sent = sent_with(&html);
    assert_eq!(sent["services"]["services"].as_array().unwrap().len(), 10);
    assert!(sent["session"].is_null());
    // An applicant's draft whose answer tries to end the script element and start another.
    let applicant = logged_in(&s, CITIZEN).await;
    let draft = new_draft(&s, &applicant, "guardianship").await;
    let hostile = "</script><script>alert(1)</script><!-- & \u{2028}";
    let mut answers = guardianship_answers();
    answers["reason"] = serde_json::json!(hostile);
    let res = applicant
        .patch(s.url(&format!("/api/applications/{}", draft.id)))
        .json(&serde_json::json!({"version": 1, "answers": answers}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (_, html) = page(&s, &applicant, &format!("/applications/{}", draft.id), "en").await;
    assert!(
        !html.contains("<script>alert"),
        "the answer ended the script element"
    );
    assert_eq!(
        html.matches("</script>").count(),
        html.matches("<script").count()
    );
    let sent = sent_with(&html);
    assert_eq!(sent["request"]["application"]["answers"]["reason"], hostile);
    assert_eq!(sent["session"]["account"]["login"], CITIZEN.0);
    // What a login sent before the app (or without script) reached goes with the page, so
    // the app that starts on it takes the step over: why not, or the code step — never the
    // password.
    let res = post_form(
        &s,
        &browser(),
        "/login",
        &[("login", CITIZEN.0), ("password", "not-the-password")],
    )
    .await;
    let html = res.text().await.unwrap();
    let login = &sent_with(&html)["login"];
    assert_eq!(login["login"], CITIZEN.0);
    assert_eq!(login["problem"]["code"], "auth.invalid_credentials");
    assert!(login["sent"].is_null());
    let res = post_form(
        &s,
        &browser(),
        "/login",
        &[("login", CITIZEN.0), ("password", CITIZEN.1)],
    )
    .await;
    let html = res.text().await.unwrap();
    let login = &sent_with(&html)["login"];
    assert_eq!(login["sent"]["phone_masked"], "+7 701 *** ** 67");
    assert_eq!(login["sent"]["verification_id"].as_str().unwrap().len(), 32);
    assert!(!html.contains(CITIZEN.1), "the password is not in the page");
}

#[tokio::test]
async fn start_application_works_as_a_form_without_script() {
    let s = start().await;
    // A visitor: the login page first, then back to the service.
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = post_form(&s, &visitor, "/services/guardianship/start", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=/services/guardianship"
    );
    // An applicant: a new draft, its form next.
    let citizen = logged_in(&s, CITIZEN).await;
    let res = post_form(&s, &citizen, "/services/guardianship/start", &[]).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.url().path().starts_with("/applications/") && res.url().path().ends_with("/edit"),
        "{}",
        res.url()
    );
    let company = logged_in(&s, COMPANY).await;
    // Not for companies: the service page again, saying why.
    let res = post_form(&s, &company, "/services/guardianship/start", &[]).await;
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert_eq!(
        sent_with(&html)["start_problem"]["code"],
        "application.applicant_not_admitted"
    );
    // Several variants and none chosen: the choice's own error; nothing made.
    let res = post_form(&s, &company, "/services/grain-warehouse-licence/start", &[]).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert_eq!(
        sent_with(&html)["start_problem"]["errors"][0]["field"],
        "variant"
    );
    let res = post_form(
        &s,
        &company,
        "/services/grain-warehouse-licence/start",
        &[("variant", "issue")],
    )
    .await;
    assert!(res.url().path().ends_with("/edit"), "{}", res.url());
    // From another site's page: nothing is started.
    let res = company
        .post(s.url("/services/construction-licence/start"))
        .header("origin", "https://evil.example")
        .form(&[("variant", "main")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let list: serde_json::Value = company
        .get(s.url("/api/applications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["applications"].as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn past_a_phones_share_the_code_step_gives_the_code_already_sent_and_says_so() {
    let s = start().await;
    // Five codes asked for and never entered (the phone's share)…
    for _ in 0..5 {
        assert_eq!(s.password_step(&browser(), CITIZEN).await.status(), 202);
    }
    // …then the holder logs in without script: no new SMS, the code on the phone, and why.
    let tab = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = post_form(
        &s,
        &tab,
        "/login",
        &[("login", CITIZEN.0), ("password", CITIZEN.1)],
    )
    .await;
    let html = res.text().await.unwrap();
    assert!(
        html.contains("This is the code sent to this phone a little earlier"),
        "{html}"
    );
    let id = hidden(&html, "verification_id");
    let code = s.code_for(&registry_phone(CITIZEN.0), &id).await;
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
    assert_eq!(messages.len(), 5, "no sixth SMS");
    let res = post_form(
        &s,
        &tab,
        "/login/code",
        &[("verification_id", id.as_str()), ("code", code.as_str())],
    )
    .await;
    assert_eq!(res.status(), 303, "the code on the phone logs in");
}
