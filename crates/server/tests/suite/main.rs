//! The server's integration tests, one binary: each module starts real servers over HTTP.
//! (One binary, not one per file: each links the whole server and the app's renderer, ~320 MB
//! with line tables, so eighteen of them filled CI's disk and took eighteen links.)

mod accounts;
mod admin;
mod applications;
mod common;
mod counter;
mod durability;
mod events;
mod http;
mod identity;
mod instances;
mod mobile_sign;
mod ocsp;
mod officers;
mod openssl_gost;
mod pages;
mod payments;
mod production;
mod schema;
mod storage;
mod submission;
mod sweep;
mod tsp;
