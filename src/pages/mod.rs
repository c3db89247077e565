pub mod account_forms;
pub mod home;
pub mod login;
pub mod not_found;
pub mod officer;
pub mod register;
pub mod request;
pub mod sign;
