//! Sending SMS: the interface an SMS provider implements, and the real provider's adapter
//! (`mobizon`). The demo runs the TEST outbox instead (`crate::test_doubles::sms_outbox`);
//! a production start has only a real provider (`crate::mode`).

pub mod mobizon;

use std::future::Future;
use std::pin::Pin;

pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<Delivered, SmsError>> + Send + 'a>>;

/// A message the provider took: its own id for it (what delivery reports name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub provider_message_id: String,
}

/// Why a message did not go: the caller counts nothing as sent either way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// The provider answered and refused (a wrong key, no balance, a recipient it will not
    /// serve): an operator must act; the user can only try later.
    #[error("the SMS provider refused the message: {0}")]
    Refused(String),
    /// No answer in time, or not one the provider's API gives.
    #[error("the SMS provider could not be reached: {0}")]
    Unreachable(String),
}

/// Delivers a text message to a phone (`+7XXXXXXXXXX`). `reference` is our id for the
/// message (the verification id), for the logs of both sides.
pub trait SmsGateway: Send + Sync {
    fn send<'a>(&'a self, phone: &'a str, body: &'a str, reference: &'a str) -> Sending<'a>;
    /// Whether this is the TEST outbox (the app then links to it).
    fn is_test(&self) -> bool;
    /// What an operator reads in `check-config` and the start-up log (no secrets).
    fn describe(&self) -> String;
}
