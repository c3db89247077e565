//! Times as Kazakhstan reads them (UTC+5, `qyzmet_domain::calendar`), computed with the
//! browser's own date code, which keeps time-parsing code out of the bundle.

/// Kazakhstan's time of a moment in milliseconds: the browser's own date code does the
/// calendar work, which keeps time-parsing code out of the bundle.
fn in_kazakhstan(millis: f64) -> js_sys::Date {
    let offset = f64::from(qyzmet_domain::calendar::KAZAKHSTAN_UTC_OFFSET_SECONDS) * 1000.0;
    js_sys::Date::new(&leptos::wasm_bindgen::JsValue::from_f64(millis + offset))
}

/// Kazakhstan's local date and time now, minute precision (testing appointments are checked
/// against it).
pub fn now_in_kazakhstan() -> time::PrimitiveDateTime {
    let d = in_kazakhstan(js_sys::Date::now());
    let time = time::Time::from_hms(d.get_utc_hours() as u8, d.get_utc_minutes() as u8, 0)
        .unwrap_or(time::Time::MIDNIGHT);
    time::PrimitiveDateTime::new(today(), time)
}

pub fn today() -> time::Date {
    let d = in_kazakhstan(js_sys::Date::now());
    let month = time::Month::try_from(d.get_utc_month() as u8 + 1).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(d.get_utc_full_year() as i32, month, d.get_utc_date() as u8)
        .unwrap_or(time::Date::MIN)
}

/// An RFC 3339 moment as Kazakhstan's `YYYY-MM-DD HH:MM`.
pub fn local_time(rfc3339: &str) -> String {
    let parsed = js_sys::Date::parse(rfc3339);
    if parsed.is_nan() {
        return rfc3339.to_string();
    }
    let d = in_kazakhstan(parsed);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes()
    )
}

/// RFC 3339 (UTC) of Unix seconds.
pub fn iso(unix: i64) -> String {
    let d = js_sys::Date::new(&leptos::wasm_bindgen::JsValue::from_f64(
        unix as f64 * 1000.0,
    ));
    d.to_iso_string().as_string().unwrap_or_default()
}

/// The `YYYY-MM-DD` (UTC) of Unix seconds.
pub fn date(unix: i64) -> String {
    iso(unix).chars().take(10).collect()
}
