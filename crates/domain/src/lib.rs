//! Qyzmet's domain: everything the browser and the server must agree on.
//!
//! This crate is pure — no I/O, no clock, no randomness — so that it compiles to
//! `wasm32-unknown-unknown` for the app and to native for the server, and both validate with
//! the same code. Time comes in as arguments (`today`, `now`); data files come in as strings.
//! No user-visible text lives here either: errors carry stable codes, and the locale files
//! (`locales/*.json`) map each code to a message in kk, ru and en.

pub mod api;
pub mod appointment;
pub mod calendar;
pub mod catalogue;
pub mod coded;
pub mod decision;
pub mod document_code;
pub mod egov_mobile;
pub mod form;
pub mod identifiers;
pub mod lang;
pub mod outgoing;
pub mod process;
pub mod route;
pub mod signer_protocol;
pub mod status;
pub mod url;
pub mod written;

pub use identifiers::{Bin, IdentifierError, Iin};
pub use lang::{Lang, Text};
