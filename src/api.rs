//! The API client: JSON in, JSON out, and every failure as a code the UI translates.

use qyzmet_domain::Lang;
use qyzmet_domain::api::{Problem, ServiceList};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with a problem+json.
    Problem(Problem),
}

impl ApiError {
    /// The locale key of the message to show.
    pub fn message_key(&self) -> String {
        match self {
            ApiError::Network => "error.network".into(),
            ApiError::Problem(p) => format!("error.{}", p.code),
        }
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let res = gloo_net::http::Request::get(path)
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if res.ok() {
        return res.json().await.map_err(|_| ApiError::Network);
    }
    match res.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        // Not our server's answer (a proxy's error page): treat it as unreachable.
        Err(_) => Err(ApiError::Network),
    }
}

pub async fn services(lang: Lang) -> Result<ServiceList, ApiError> {
    get(&format!("/api/services?lang={}", lang.code())).await
}
