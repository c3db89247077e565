//! The server over real HTTP: a free port, a temp data dir, a temp `dist/`.

use qyzmet_domain::api::{Problem, ServiceDetail, ServiceList};

use crate::common::{plain as client, start};

#[tokio::test]
async fn health_reports_the_catalogue() {
    let s = start().await;
    let health: serde_json::Value = reqwest::get(format!("{}/api/health", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["services"], 10);
    assert_eq!(
        (&health["database"], &health["storage"]),
        (&"ok".into(), &"ok".into())
    );
}

#[tokio::test]
async fn health_says_503_and_what_is_not_ready_when_storage_takes_no_write() {
    let s = start().await;
    // Where uploads land is no longer a folder that takes files (a full or read-only disk).
    let tmp = s.data.path().join("data").join("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::write(&tmp, b"not a folder").unwrap();
    let res = reqwest::get(format!("{}/api/health", s.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "service.not_ready");
    let named: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, ["storage"]);
    std::fs::remove_file(&tmp).unwrap();
    let res = reqwest::get(format!("{}/api/health", s.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_catalogue_speaks_the_language_asked() {
    let s = start().await;
    let ru: ServiceList = reqwest::get(format!("{}/api/services?lang=ru", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guardianship = ru.services.iter().find(|x| x.id == "guardianship").unwrap();
    assert!(
        guardianship.name.starts_with("Установление опеки"),
        "{}",
        guardianship.name
    );
    assert_eq!(guardianship.other_names.len(), 2);

    let by_header: ServiceList = client()
        .get(format!("{}/api/services", s.base))
        .header("Accept-Language", "en-GB,en;q=0.9,ru;q=0.5")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_header.lang, qyzmet_domain::Lang::En);
    assert!(
        by_header
            .services
            .iter()
            .any(|x| x.name == "Licence for survey activity")
    );

    let default: ServiceList = reqwest::get(format!("{}/api/services", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(default.lang, qyzmet_domain::Lang::Kk);
    assert!(
        default
            .services
            .iter()
            .any(|x| x.name == "Іздестіру қызметіне лицензия беру")
    );
}

#[tokio::test]
async fn one_service_with_variants_documents_and_fee() {
    let s = start().await;
    let d: ServiceDetail = reqwest::get(format!(
        "{}/api/services/grain-warehouse-licence?lang=en",
        s.base
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(d.variants.len(), 3);
    let fee = d.summary.fee.as_ref().unwrap();
    assert_eq!(
        (fee.mci, fee.tenge, fee.paid_before_signing),
        (10.0, 43_250, true)
    );
    assert_eq!(d.providers[0].id, "zhambyl-agriculture");
    assert!(
        d.variants[0]
            .documents
            .iter()
            .all(|doc| !doc.name.is_empty())
    );
}

#[tokio::test]
async fn unknown_things_get_a_localized_problem() {
    let s = start().await;
    let res = reqwest::get(format!("{}/api/services/no-such-service?lang=ru", s.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Problem = res.json().await.unwrap();
    assert_eq!((p.code.as_str(), p.status), ("service_not_found", 404));
    assert_eq!(p.title, "Такой услуги нет в каталоге.");

    let res = reqwest::get(format!("{}/api/nothing/here", s.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.code, "not_found");

    // The title is written in the request's language by the one response layer, whatever
    // the handler: by Accept-Language, and `?lang=` over it.
    for (query, accept, title) in [
        (
            "",
            "en-GB,en;q=0.9",
            "There is no such service in the catalogue.",
        ),
        ("?lang=kk", "en", "Мұндай қызмет каталогта жоқ."),
    ] {
        let res = reqwest::Client::new()
            .get(format!("{}/api/services/no-such-service{query}", s.base))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.title, title);
    }
}

#[tokio::test]
async fn the_app_is_served_with_its_pages_and_cache_rules() {
    let s = start().await;
    for (route, status) in [
        ("/", 200),
        ("/services/guardianship", 200),
        ("/cabinet", 200),
        ("/cabinet/requests/2026-000001", 404),
    ] {
        let res = client()
            .get(format!("{}{route}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{route}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{route}");
        assert!(res.text().await.unwrap().contains("– Qyzmet</title>"));
    }
    let res = client()
        .get(format!("{}/qyzmet-0123456789abcdef_bg.wasm", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let res = client()
        .get(format!("{}/missing-file.js", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// The app's files go as the build compressed them (brotli at its best) to a browser that
/// takes brotli, compressed live (gzip) or plain to others, and say they vary by it.
#[tokio::test]
async fn the_apps_files_go_compressed_ahead_when_the_browser_takes_brotli() {
    let s = start().await;
    let wasm = format!("{}/qyzmet-0123456789abcdef_bg.wasm", s.base);
    let res = client()
        .get(&wasm)
        .header("Accept-Encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["vary"], "accept-encoding");
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        crate::common::PRECOMPRESSED_WASM.as_slice()
    );
    let res = client()
        .get(&wasm)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["vary"], "accept-encoding");
    let res = client().get(&wasm).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().len(), 4096);
}

/// A wasm module is no page: its policy allows nothing and it carries no document's
/// permissions; it is still never sniffed. The stylesheet beside it keeps the page's headers.
#[tokio::test]
async fn an_app_module_carries_the_policy_that_allows_nothing() {
    let s = start().await;
    let res = client()
        .get(format!("{}/qyzmet-0123456789abcdef_bg.wasm", s.base))
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(h["content-type"], "application/wasm");
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(h.get("permissions-policy").is_none());
    let res = client()
        .get(format!("{}/main-0123456789abcdef.css", s.base))
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'self'")
    );
    assert!(h.get("permissions-policy").is_some());
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let s = start().await;
    let res = client()
        .get(format!("{}/main-0123456789abcdef.css", s.base))
        .header("Accept-Encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    let res = client()
        .get(format!("{}/api/services", s.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_its_error_answers() {
    let s = start().await;
    let res = crate::common::plain()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    // Every route is registered with its annotation (utoipa-axum's `routes!`), so the
    // document and the router cannot differ: the paths the app and the tests use are there.
    assert!(paths.len() > 50, "{} paths", paths.len());
    for path in [
        "/api/health",
        "/api/applications/{id}/submit",
        "/api/applications/{id}/attachments/{document_id}",
        "/api/mgovSign/{link}/documents",
        "/api/officer/requests/{id}/decision",
        "/api/openapi.json",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} is not in the OpenAPI document"
        );
    }
    // Every address the app's client builds (the one table of them) is a path of the server.
    for template in qyzmet_domain::route::api::TEMPLATES {
        assert!(
            paths.contains_key(&format!("/api{template}")),
            "the app builds /api{template}, which the server does not have"
        );
    }
    assert_eq!(
        paths["/api/session"].as_object().unwrap().len(),
        3,
        "POST, GET and DELETE /api/session"
    );
    let mut operation_ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            // OpenAPI requires them unique; tools (schemathesis' config) select by them.
            let id = op["operationId"].as_str().unwrap();
            assert!(
                operation_ids.insert(id),
                "operationId {id} of {method} {path} is used twice"
            );
            // Every operation documents the server's own failure; nothing else is claimed
            // for all of them.
            let answers = op["responses"].as_object().unwrap();
            if !(path.starts_with("/api/openapi") || path == "/api/docs") {
                assert!(
                    answers.contains_key("500"),
                    "{method} {path} does not document 500"
                );
            }
        }
    }
    // Each operation documents the statuses it can return, not every status there is.
    let statuses = |path: &str, method: &str| -> Vec<String> {
        paths[path][method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(statuses("/api/health", "get"), ["200", "400", "500", "503"]);
    let submit = statuses("/api/applications/{id}/submit", "post");
    for status in ["401", "402", "403", "404", "409", "422", "503"] {
        assert!(
            submit.contains(&status.to_string()),
            "submit lacks {status}"
        );
    }
    assert!(!submit.contains(&"429".to_string()));
    let login = statuses("/api/session", "post");
    assert!(login.contains(&"429".to_string()) && login.contains(&"401".to_string()));
    let catalogue = statuses("/api/services", "get");
    assert!(!catalogue.contains(&"401".to_string()) && !catalogue.contains(&"409".to_string()));
    let problem = &doc["components"]["schemas"]["Problem"]["properties"];
    assert!(problem.get("code").is_some() && problem.get("errors").is_some());

    let page = crate::common::plain()
        .get(s.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/api/openapi.json"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "the page loads nothing from elsewhere"
    );
}

#[tokio::test]
async fn the_catalogue_revalidates_with_its_etag_per_language() {
    let s = start().await;
    let get = |lang: &'static str, etag: Option<String>| {
        let mut req = client()
            .get(format!("{}/api/services?lang={lang}", s.base))
            .header("Accept-Encoding", "br");
        if let Some(etag) = etag {
            req = req.header("If-None-Match", etag);
        }
        req.send()
    };
    let res = get("ru", None).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["cache-control"], "public, no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let again = get("ru", Some(etag.clone())).await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = get("kk", Some(etag)).await.unwrap();
    assert_eq!(other.status(), 200, "another language is another answer");
    // The precompressed answer holds the same catalogue as the plain one.
    let plain: qyzmet_domain::api::ServiceList = client()
        .get(format!("{}/api/services?lang=ru", s.base))
        .header("Accept-Encoding", "identity")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(plain.lang, qyzmet_domain::Lang::Ru);
    assert!(!plain.services.is_empty());
}
