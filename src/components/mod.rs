pub mod account_menu;
pub mod form;
pub mod key_fields;
pub mod language_switcher;
pub mod layout;
pub mod page_title;
pub mod service_card;
