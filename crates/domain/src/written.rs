//! Dates as people write them: 14.12.2026 in Kazakh and Russian, "14 December 2026" in
//! English. How each language writes a date is its locale file's business (`date.pattern`,
//! `date.month.<1–12>`, `date.moment`), so no word of it lives here; this is the one place
//! that fills those patterns — for the browser's pages, the server's copy of them and the PDFs.
//! Never ISO 8601 on a page: `2026-12-14` is a machine's date (it stays in `<time datetime>`).

use time::{Date, PrimitiveDateTime};

/// Reads a message of the reader's language by key.
pub type Messages<'a> = &'a dyn Fn(&str) -> String;

/// A calendar date in the reader's language.
pub fn date(date: Date, t: Messages) -> String {
    let month = date.month() as u8;
    t("date.pattern")
        .replace("{dd}", &format!("{:02}", date.day()))
        .replace("{d}", &date.day().to_string())
        .replace("{mm}", &format!("{month:02}"))
        .replace("{month}", &t(&format!("date.month.{month}")))
        .replace("{yyyy}", &format!("{:04}", date.year()))
}

/// A local date and time (minute precision, 24-hour clock) in the reader's language.
pub fn moment(at: PrimitiveDateTime, t: Messages) -> String {
    t("date.moment")
        .replace("{date}", &date(at.date(), t))
        .replace("{time}", &format!("{:02}:{:02}", at.hour(), at.minute()))
}

/// A stored `YYYY-MM-DD` (a due date, a date answer) as written; what does not parse is shown
/// as it is rather than hidden.
pub fn iso_date(raw: &str, t: Messages) -> String {
    crate::form::parse_date(raw).map_or_else(|| raw.to_string(), |d| date(d, t))
}

/// A `datetime-local` input's value (`YYYY-MM-DDTHH:MM`, Kazakhstan's local time).
pub fn parse_local(raw: &str) -> Option<PrimitiveDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(raw.trim(), &format).ok()
}

/// A stored local `YYYY-MM-DDTHH:MM` (a testing appointment) as written.
pub fn iso_moment(raw: &str, t: Messages) -> String {
    parse_local(raw).map_or_else(|| raw.to_string(), |m| moment(m, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn kazakh(key: &str) -> String {
        match key {
            "date.pattern" => "{dd}.{mm}.{yyyy}".into(),
            "date.moment" => "{date} {time}".into(),
            other => format!("?{other}"),
        }
    }

    fn english(key: &str) -> String {
        match key {
            "date.pattern" => "{d} {month} {yyyy}".into(),
            "date.moment" => "{date}, {time}".into(),
            "date.month.3" => "March".into(),
            "date.month.12" => "December".into(),
            other => format!("?{other}"),
        }
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        assert_eq!(date(date!(2026 - 12 - 14), &kazakh), "14.12.2026");
        assert_eq!(date(date!(2027 - 03 - 05), &kazakh), "05.03.2027");
        assert_eq!(date(date!(2026 - 12 - 14), &english), "14 December 2026");
        assert_eq!(date(date!(2027 - 03 - 05), &english), "5 March 2027");
        assert_eq!(
            moment(datetime!(2099-03-12 09:05), &kazakh),
            "12.03.2099 09:05"
        );
        assert_eq!(
            moment(datetime!(2026-12-14 10:30), &english),
            "14 December 2026, 10:30"
        );
    }

    #[test]
    fn stored_dates_are_read_and_what_does_not_parse_is_kept() {
        assert_eq!(iso_date("2026-12-14", &kazakh), "14.12.2026");
        assert_eq!(iso_date("", &kazakh), "");
        assert_eq!(iso_date("14/12/2026", &kazakh), "14/12/2026");
        assert_eq!(iso_moment("2099-03-12T10:30", &kazakh), "12.03.2099 10:30");
        assert_eq!(iso_moment("soon", &kazakh), "soon");
    }
}
