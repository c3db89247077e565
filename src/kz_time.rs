//! Times as Kazakhstan reads them (UTC+5, `qyzmet_domain::calendar`). In the browser the
//! clock and RFC 3339 parsing are the browser's own date code, which keeps time-parsing code
//! out of the bundle; on the server (rendering a page) they are the `time` crate's. Everything
//! else is shared arithmetic on the UTC parts.

/// The calendar parts of a moment in UTC: year, month (1–12), day, hour, minute, second.
struct Parts {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

#[cfg(target_family = "wasm")]
mod clock {
    use super::Parts;

    pub fn now_millis() -> f64 {
        js_sys::Date::now()
    }

    pub fn parse_millis(rfc3339: &str) -> Option<f64> {
        let parsed = js_sys::Date::parse(rfc3339);
        (!parsed.is_nan()).then_some(parsed)
    }

    pub fn utc_parts(millis: f64) -> Parts {
        let d = js_sys::Date::new(&leptos::wasm_bindgen::JsValue::from_f64(millis));
        Parts {
            year: d.get_utc_full_year() as i32,
            month: d.get_utc_month() as u8 + 1,
            day: d.get_utc_date() as u8,
            hour: d.get_utc_hours() as u8,
            minute: d.get_utc_minutes() as u8,
            second: d.get_utc_seconds() as u8,
        }
    }
}

#[cfg(not(target_family = "wasm"))]
mod clock {
    use super::Parts;

    pub fn now_millis() -> f64 {
        time::OffsetDateTime::now_utc().unix_timestamp() as f64 * 1000.0
    }

    pub fn parse_millis(rfc3339: &str) -> Option<f64> {
        let t =
            time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
                .ok()?;
        Some((t.unix_timestamp_nanos() / 1_000_000) as f64)
    }

    pub fn utc_parts(millis: f64) -> Parts {
        let t = time::OffsetDateTime::from_unix_timestamp((millis / 1000.0).floor() as i64)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        Parts {
            year: t.year(),
            month: t.month() as u8,
            day: t.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
        }
    }
}

/// Kazakhstan's wall clock at a moment in milliseconds.
fn in_kazakhstan(millis: f64) -> Parts {
    let offset = f64::from(qyzmet_domain::calendar::KAZAKHSTAN_UTC_OFFSET_SECONDS) * 1000.0;
    clock::utc_parts(millis + offset)
}

/// Kazakhstan's local date and time now, minute precision (testing appointments are checked
/// against it).
pub fn now_in_kazakhstan() -> time::PrimitiveDateTime {
    let d = in_kazakhstan(clock::now_millis());
    let time = time::Time::from_hms(d.hour, d.minute, 0).unwrap_or(time::Time::MIDNIGHT);
    time::PrimitiveDateTime::new(today(), time)
}

pub fn today() -> time::Date {
    let d = in_kazakhstan(clock::now_millis());
    let month = time::Month::try_from(d.month).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(d.year, month, d.day).unwrap_or(time::Date::MIN)
}

/// Kazakhstan's wall clock at an RFC 3339 moment (minute precision); `I18n::moment` writes it.
pub fn local(rfc3339: &str) -> Option<time::PrimitiveDateTime> {
    let d = in_kazakhstan(clock::parse_millis(rfc3339)?);
    let month = time::Month::try_from(d.month).ok()?;
    let date = time::Date::from_calendar_date(d.year, month, d.day).ok()?;
    let time = time::Time::from_hms(d.hour, d.minute, 0).ok()?;
    Some(time::PrimitiveDateTime::new(date, time))
}

/// RFC 3339 (UTC) of Unix seconds.
pub fn iso(unix: i64) -> String {
    let d = clock::utc_parts(unix as f64 * 1000.0);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
        d.year, d.month, d.day, d.hour, d.minute, d.second
    )
}

/// The calendar date (UTC) of Unix seconds, as a certificate's validity is stated.
pub fn utc_date(unix: i64) -> time::Date {
    let d = clock::utc_parts(unix as f64 * 1000.0);
    let month = time::Month::try_from(d.month).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(d.year, month, d.day).unwrap_or(time::Date::MIN)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn moments_read_in_kazakhstan_time() {
        // 19:30 UTC is half past midnight the next day in Kazakhstan (UTC+5).
        assert_eq!(
            local("2026-12-13T19:30:00Z"),
            Some(time::macros::datetime!(2026-12-14 00:30))
        );
        assert_eq!(local("not a time"), None);
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_date(1_796_083_200), time::macros::date!(2026 - 12 - 01));
    }
}
