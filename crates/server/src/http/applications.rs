//! The applicant's side of applications: drafts, autosave, attachments, the completeness check.

use super::extract::{ApiJson, CurrentAccount};
use super::problem::{ApiError, ErrorCode, field_error};
use crate::AppState;
use crate::access;
use crate::applications::{self, SaveError, Stored};
use crate::attachments::{self, StoredFile, Upload, UploadError};
use crate::db::now;
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qyzmet_domain::api::{ApplicationList, ApplicationView, CreateApplication, SaveAnswers};
use qyzmet_domain::catalogue::{Service, Variant};
use qyzmet_domain::form::FieldError;
use qyzmet_domain::status::Status;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

fn service_and_variant<'a>(
    state: &'a AppState,
    stored: &Stored,
) -> Option<(&'a Service, &'a Variant)> {
    let service = state.catalogue.service(&stored.view.service_id)?;
    Some((service, service.variant(&stored.view.variant_id)?))
}

#[utoipa::path(
    post,
    path = "/applications",
    tag = "applications",
    request_body = qyzmet_domain::api::CreateApplication,
    responses((status = 201, description = "A new draft", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn create(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    ApiJson(req): ApiJson<CreateApplication>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    access::applicant(&current.account)?;
    let stored = applications::start(
        &state.db,
        &state.catalogue,
        &current.account,
        &req.service_id,
        req.variant_id.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored.view)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    number: Option<String>,
}

#[utoipa::path(
    get,
    path = "/applications",
    operation_id = "list_applications",
    tag = "applications",
    params(("status" = Option<crate::http::openapi::StatusFilter>, Query, description = "Only this status"), ("number" = Option<String>, Query, description = "Registration number contains")),
    responses((status = 200, description = "My drafts and requests", body = qyzmet_domain::api::ApplicationList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Query(q): Query<ListQuery>,
) -> Result<Json<ApplicationList>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(code) => Some(
            Status::from_code(code)
                .ok_or_else(|| ApiError::validation(vec![field_error("status", "form.choice")]))?,
        ),
        None => None,
    };
    let applications = applications::list_owned(
        &state.db,
        current.account.id,
        access::person_iin(&current.account),
        status,
        q.number.as_deref(),
    )
    .await?;
    Ok(Json(ApplicationList { applications }))
}

#[utoipa::path(
    get,
    path = "/applications/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "One of my applications", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        access::owned(&state.db, &current.account, &id).await?.view,
    ))
}

#[utoipa::path(
    patch,
    path = "/applications/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::SaveAnswers,
    responses((status = 200, description = "Saved (the version goes up)", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn save(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SaveAnswers>,
) -> Result<Json<ApplicationView>, ApiError> {
    // Drafts hold whatever the user typed, valid or not: nothing typed is ever lost. Only a
    // size bound applies here; validation happens on check and on submission.
    let size = serde_json::to_vec(&req.answers)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > 256 * 1024 {
        return Err(ApiError::of(ErrorCode::TooLarge));
    }
    match applications::save_answers(
        &state.db,
        current.account.id,
        &id,
        req.version,
        &req.answers,
    )
    .await
    {
        Ok(stored) => Ok(Json(stored.view)),
        Err(SaveError::NotFound) => Err(access::Denied::NotFound.into()),
        Err(SaveError::NotDraft) => Err(ApiError::of(ErrorCode::NotDraft)),
        Err(SaveError::Stale(current_app)) => {
            let mut e = ApiError::of(ErrorCode::VersionConflict);
            e.current = Some(Box::new(current_app.view));
            Err(e)
        }
        Err(SaveError::Db(e)) => Err(ApiError::internal(e)),
    }
}

#[utoipa::path(
    delete,
    path = "/applications/{id}",
    operation_id = "delete_draft",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 204, description = "The draft is deleted"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn delete(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match applications::delete_draft(&state.db, current.account.id, &id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(SaveError::NotFound) => Err(access::Denied::NotFound.into()),
        Err(SaveError::NotDraft | SaveError::Stale(_)) => Err(ApiError::of(ErrorCode::NotDraft)),
        Err(SaveError::Db(e)) => Err(ApiError::internal(e)),
    }
}

/// `POST /api/applications/{id}/check`: is the draft ready to sign? 204, or 422 with every
/// problem at once (the same validator the app runs).
#[utoipa::path(
    post,
    path = "/applications/{id}/check",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 204, description = "The draft is complete"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn check(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    let (_, variant) = service_and_variant(&state, &stored).ok_or(access::Denied::NotFound)?;
    let errors = applications::completeness_errors(variant, &stored.view);
    if errors.is_empty() {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// `POST /api/applications/{id}/attachments/{document_id}`: one file, `multipart/form-data`
/// field `file`, streamed to disk. Replaces the slot's previous file.
#[utoipa::path(
    post,
    path = "/applications/{id}/attachments/{document_id}",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id"), ("document_id" = String, Path, description = "The document slot")),
    request_body(content = String, content_type = "multipart/form-data", description = "Field `file`: a PDF, JPEG or PNG"),
    responses((status = 201, description = "Stored; the application with its attachments", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn upload(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path((id, document_id)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    if stored.view.status != Status::Draft {
        return Err(ApiError::of(ErrorCode::NotDraft));
    }
    let (_, variant) = service_and_variant(&state, &stored).ok_or(access::Denied::NotFound)?;
    let document = variant
        .documents
        .iter()
        .find(|d| d.id == document_id)
        .ok_or_else(|| ApiError::of(ErrorCode::UnknownDocument))?;
    let others = stored
        .view
        .attachments
        .iter()
        .filter(|a| a.document_id != document_id)
        .map(|a| a.size);
    let limit = attachments::Limit::for_slot(document.max_size_mb, others);
    let (file_name, file) = receive_file(&state, multipart, limit, &document.types).await?;
    attachments::record(&state.db, stored.id, &document_id, &file_name, &file, now()).await?;
    let view = access::owned(&state.db, &current.account, &id).await?.view;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Streams the form's `file` field (other fields skipped) into storage within `limit`, and
/// returns its cleaned name and what was stored. A refused or broken-off upload keeps nothing.
async fn receive_file(
    state: &AppState,
    mut multipart: Multipart,
    limit: attachments::Limit,
    types: &[qyzmet_domain::catalogue::FileType],
) -> Result<(String, StoredFile), ApiError> {
    let malformed = || ApiError::of(ErrorCode::RequestMalformed);
    let mut field = loop {
        match multipart.next_field().await.map_err(|_| malformed())? {
            Some(f) if f.name() == Some("file") => break f,
            Some(_) => continue,
            None => {
                return Err(ApiError::validation(vec![field_error(
                    "file",
                    "attachment.empty",
                )]));
            }
        }
    };
    let file_name = attachments::clean_file_name(field.file_name());
    let mut upload = Upload::start(&state.config.data_dir, limit.bytes, types)
        .await
        .map_err(|e| ApiError::internal(format!("{e:?}")))?;
    while let Some(chunk) = field.chunk().await.transpose() {
        let written = match chunk {
            Ok(chunk) => upload
                .write(&chunk)
                .await
                .map_err(|e| upload_refused(e, limit)),
            Err(_) => Err(malformed()),
        };
        if let Err(e) = written {
            upload.abort().await;
            return Err(e);
        }
    }
    let file = upload
        .finish(&state.files)
        .await
        .map_err(|e| upload_refused(e, limit))?;
    Ok((file_name, file))
}

/// An upload refused: empty, too large for its slot or for what the application has left,
/// a type the slot does not take.
fn upload_refused(e: UploadError, limit: attachments::Limit) -> ApiError {
    match e {
        UploadError::Empty => ApiError::validation(vec![field_error("file", "attachment.empty")]),
        UploadError::TooLarge { limit: bytes } => {
            let code = if limit.application_bound {
                "attachment.application_too_large"
            } else {
                "attachment.too_large"
            };
            let mut e = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, code);
            e.errors = vec![FieldError {
                field: "file".into(),
                code: code.into(),
                params: [("max_mb".to_string(), (bytes / (1024 * 1024)).to_string())].into(),
            }];
            e
        }
        UploadError::TypeNotAllowed => ApiError::of(ErrorCode::TypeNotAllowed),
        UploadError::Io(msg) => ApiError::internal(msg),
    }
}

#[utoipa::path(
    delete,
    path = "/applications/{id}/attachments/{document_id}",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id"), ("document_id" = String, Path, description = "The document slot")),
    responses((status = 204, description = "Removed"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Internal),
)]
pub async fn remove_attachment(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path((id, document_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    if stored.view.status != Status::Draft {
        return Err(ApiError::of(ErrorCode::NotDraft));
    }
    if !attachments::remove(&state.db, stored.id, &document_id).await? {
        return Err(ApiError::of(ErrorCode::AttachmentNotFound));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    inline: bool,
}

/// Downloads an attachment: for its owner and the provider's officers. `?inline=true` shows it
/// in the browser (the officer's preview) — safe because only PDF, JPEG and PNG, checked by
/// content, are ever stored, and they are served with their checked type and `nosniff`.
#[utoipa::path(
    get,
    path = "/applications/{id}/attachments/{document_id}",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id"), ("document_id" = String, Path, description = "The document slot"), ("inline" = Option<bool>, Query, description = "Show in the browser instead of downloading")),
    responses((status = 200, description = "The file"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn download(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path((id, document_id)): Path<(String, String)>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "attachment").await?;
    let attachments::Attached {
        file_name,
        content_type,
        sha256,
    } = attachments::find(&state.db, stored.id, &document_id)
        .await?
        .ok_or_else(|| ApiError::of(ErrorCode::AttachmentNotFound))?;
    let body = Body::from_stream(state.files.read(&sha256).await?);
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(ApiError::internal)?,
    );
    let disposition = format!(
        "{}; filename=\"file\"; filename*=UTF-8''{}",
        if q.inline { "inline" } else { "attachment" },
        percent_encode(&file_name)
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// RFC 5987 encoding for a UTF-8 file name in `Content-Disposition`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /api/applications/{id}/history`: every status change with time and note.
#[utoipa::path(
    get,
    path = "/applications/{id}/history",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "Every status change", body = qyzmet_domain::api::HistoryList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn history(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<qyzmet_domain::api::HistoryList>, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "history").await?;
    let history = crate::officers::history(&state.db, stored.id).await?;
    Ok(Json(qyzmet_domain::api::HistoryList { history }))
}

/// `GET /api/applications/{id}/reads`: who among the providers' staff read the applicant's
/// application (who, in which role, when), newest first — the applicant's own only.
#[utoipa::path(
    get,
    path = "/applications/{id}/reads",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "Every read by staff", body = qyzmet_domain::api::DataReadList), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn reads(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<qyzmet_domain::api::DataReadList>, ApiError> {
    let stored = access::owned(&state.db, &current.account, &id).await?;
    let reads =
        crate::officers::reads_of(&state.db, &state.catalogue, stored.id, current.lang).await?;
    Ok(Json(qyzmet_domain::api::DataReadList { reads }))
}

/// `GET /api/applications/{id}/decision`: the officer's signed decision, for the app to
/// verify itself before it says "signed by … on …".
#[utoipa::path(
    get,
    path = "/applications/{id}/decision",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "The signed decision", body = qyzmet_domain::api::DecisionView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Internal),
)]
pub async fn decision(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<qyzmet_domain::api::DecisionView>, ApiError> {
    let stored = access::visible(&state.db, &current.account, &id, "decision").await?;
    let d = access::decision(&state.db, &stored).await?;
    Ok(Json(d.view()))
}

/// `POST /api/applications/{id}/withdraw`: the applicant takes a registered request back
/// before a decision (the status machine says when).
#[utoipa::path(
    post,
    path = "/applications/{id}/withdraw",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    responses((status = 200, description = "Withdrawn", body = qyzmet_domain::api::ApplicationView), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn withdraw(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    access::applicant(&current.account)?;
    let stored = access::owned(&state.db, &current.account, &id).await?;
    let now = time::OffsetDateTime::now_utc();
    state
        .lifecycle()
        .withdraw(&stored, current.account.id, now)
        .await?;
    Ok(Json(
        access::owned(&state.db, &current.account, &id).await?.view,
    ))
}

/// `PUT /api/applications/{id}/step`: the applicant opened this step of the editor; the draft
/// resumes there (it does not touch the answers or their version).
#[utoipa::path(
    put,
    path = "/applications/{id}/step",
    tag = "applications",
    params(("id" = String, Path, description = "The application's public id")),
    request_body = qyzmet_domain::api::LastStep,
    responses((status = 204, description = "Remembered"), crate::http::openapi::errors::BadRequest, crate::http::openapi::errors::Unauthorized, crate::http::openapi::errors::Forbidden, crate::http::openapi::errors::NotFound, crate::http::openapi::errors::Conflict, crate::http::openapi::errors::TooLarge, crate::http::openapi::errors::UnsupportedMediaType, crate::http::openapi::errors::Unprocessable, crate::http::openapi::errors::Internal),
)]
pub async fn last_step(
    State(state): State<Arc<AppState>>,
    current: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<qyzmet_domain::api::LastStep>,
) -> Result<StatusCode, ApiError> {
    if !req.is_valid() {
        return Err(ApiError::validation(vec![field_error(
            "step",
            "form.invalid",
        )]));
    }
    let stored = access::owned(&state.db, &current.account, &id).await?;
    let set = applications::set_last_step(&state.db, stored.id, &req.step).await?;
    if set {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::of(ErrorCode::NotDraft))
    }
}

/// This area's API routes (relative to `/api`), each with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get, save, delete))
        .routes(routes!(last_step))
        .routes(routes!(check))
        .routes(routes!(history))
        .routes(routes!(reads))
        .routes(routes!(decision))
        .routes(routes!(withdraw))
        // Uploads stream to disk and count bytes per file; this outer bound only stops a
        // body far beyond any allowed file.
        .routes({
            let (schemas, paths, methods) = routes!(upload, download, remove_attachment);
            (
                schemas,
                paths,
                methods.layer(axum::extract::DefaultBodyLimit::max(60 * 1024 * 1024)),
            )
        })
}
