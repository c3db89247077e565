//! A testing appointment (attestation services schedule the applicant's test): when, in
//! Kazakhstan's local time as a `datetime-local` input gives it (`YYYY-MM-DDTHH:MM`), and
//! where. Checked here so the officer's browser and the server refuse the same things.

use crate::form::FieldError;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

const MAX_PLACE: usize = 300;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// Local time in Kazakhstan, `YYYY-MM-DDTHH:MM`.
    pub at: String,
    pub place: String,
}

/// A `datetime-local` value (`YYYY-MM-DDTHH:MM`), as dates are written.
pub use crate::written::parse_local;

/// What a move to `to` must carry: scheduling testing names when and where (in the future,
/// `now` being Kazakhstan's local time); no other move carries an appointment.
pub fn errors_for_move(
    appointment: Option<&Appointment>,
    to: crate::status::Status,
    now: PrimitiveDateTime,
) -> Vec<FieldError> {
    let error = |field: &str, code: &str| FieldError {
        field: field.into(),
        code: code.into(),
        params: Default::default(),
    };
    match (appointment, to) {
        (Some(a), crate::status::Status::TestingScheduled) => a.check(now),
        (None, crate::status::Status::TestingScheduled) => vec![
            error("appointment.at", "form.required"),
            error("appointment.place", "form.required"),
        ],
        (Some(_), _) => vec![error("appointment", "form.invalid")],
        (None, _) => Vec::new(),
    }
}

impl Appointment {
    /// From its two stored columns: an appointment only where both are there.
    pub fn from_columns(at: Option<String>, place: Option<String>) -> Option<Appointment> {
        Some(Appointment {
            at: at?,
            place: place?,
        })
    }

    /// Problems with it, on the fields `appointment.at` and `appointment.place`; `now` is
    /// Kazakhstan's local time (the crate has no clock).
    pub fn check(&self, now: PrimitiveDateTime) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, code: &str| {
            errors.push(FieldError {
                field: field.into(),
                code: code.into(),
                params: Default::default(),
            })
        };
        if self.at.trim().is_empty() {
            fail("appointment.at", "form.required");
        } else {
            match parse_local(&self.at) {
                None => fail("appointment.at", "form.date"),
                Some(at) if at <= now => fail("appointment.at", "form.date_in_past"),
                Some(_) => {}
            }
        }
        let place = self.place.trim();
        if place.is_empty() {
            fail("appointment.place", "form.required");
        } else if place.chars().count() > MAX_PLACE {
            errors.push(FieldError {
                field: "appointment.place".into(),
                code: "form.too_long".into(),
                params: [("max".to_string(), MAX_PLACE.to_string())].into(),
            });
        }
        errors
    }

    /// As people read it: `01.12.2026 10:00, <place>` (the date as the reader's language
    /// writes it, `crate::written`).
    pub fn describe(&self, t: crate::written::Messages) -> String {
        format!(
            "{}, {}",
            crate::written::iso_moment(&self.at, t),
            self.place.trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> PrimitiveDateTime {
        parse_local("2026-11-23T12:00").unwrap()
    }

    #[test]
    fn only_scheduling_testing_carries_an_appointment_and_it_must() {
        use crate::status::Status;
        let a = Appointment {
            at: "2026-12-10T10:00".into(),
            place: "Astana, room 5".into(),
        };
        assert!(errors_for_move(Some(&a), Status::TestingScheduled, now()).is_empty());
        let missing: Vec<_> = errors_for_move(None, Status::TestingScheduled, now())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(missing, ["appointment.at", "appointment.place"]);
        let stray = errors_for_move(Some(&a), Status::InReview, now());
        assert_eq!(stray[0].field, "appointment");
        assert!(errors_for_move(None, Status::InReview, now()).is_empty());
    }

    fn codes(a: &Appointment) -> Vec<(String, String)> {
        a.check(now())
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn an_appointment_needs_a_future_time_and_a_place() {
        let ok = Appointment {
            at: "2026-12-01T10:00".into(),
            place: "Алматы, Абай д-лы 10, 305 каб.".into(),
        };
        assert!(codes(&ok).is_empty());
        let russian = |key: &str| match key {
            "date.pattern" => "{dd}.{mm}.{yyyy}".to_string(),
            _ => "{date} {time}".to_string(),
        };
        assert_eq!(
            ok.describe(&russian),
            "01.12.2026 10:00, Алматы, Абай д-лы 10, 305 каб."
        );
        let past = Appointment {
            at: "2026-11-23T11:59".into(),
            ..ok.clone()
        };
        assert_eq!(
            codes(&past),
            vec![("appointment.at".into(), "form.date_in_past".into())]
        );
        let empty = Appointment {
            at: " ".into(),
            place: "".into(),
        };
        assert_eq!(
            codes(&empty),
            vec![
                ("appointment.at".into(), "form.required".into()),
                ("appointment.place".into(), "form.required".into())
            ]
        );
        let garbled = Appointment {
            at: "01.12.2026 10:00".into(),
            ..ok
        };
        assert_eq!(
            codes(&garbled),
            vec![("appointment.at".into(), "form.date".into())]
        );
    }
}
