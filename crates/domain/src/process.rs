//! The provider's process as the regulations prescribe it: each service's steps (section 2,
//! item 5 or its like, "рәсімдердің (іс-қимылдардың) мазмұны, орындалу ұзақтығы"), who makes
//! each — the State Corporation's worker and accumulation department, the provider's office
//! clerk, head, executor, an interested body — and how long each may take. The catalogue
//! carries them per variant with the paragraph they come from; this module reads the time a
//! step may take and computes when it falls due on Kazakhstan's working calendar, so the
//! server's queue and the officer's browser name the same moment.

use crate::calendar::WorkCalendar;
use serde::{Deserialize, Serialize};
use time::{Duration, PrimitiveDateTime, Time};

crate::coded::coded_enum! {
    /// Who makes a step.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Performer {
        /// The State Corporation's worker at a public service centre.
        StateCorporation = "state_corporation",
        /// The State Corporation's accumulation department, which passes applications on.
        Accumulation = "accumulation",
        /// The provider's office (кеңсе): registers what arrives and issues results.
        Office = "office",
        /// The provider's head (басшы): names the executor, signs the result.
        Head = "head",
        /// The provider's responsible executor (жауапты орындаушы): examines and prepares.
        Executor = "executor",
        /// Another state body whose approval the regulation requires (003: the public health
        /// department).
        InterestedBody = "interested_body",
    }
}

crate::coded::coded_enum! {
    /// What a step does.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum StepAction {
        /// Takes the documents in person and gives a receipt.
        Accept = "accept",
        /// Registers what arrived.
        Register = "register",
        /// Passes the application on (to the provider, to the head).
        Forward = "forward",
        /// Names the responsible executor.
        Assign = "assign",
        /// Checks the documents and prepares the result or the reasoned refusal.
        Examine = "examine",
        /// An interested body approves the draft result.
        Approve = "approve",
        /// Fixes the testing date and admits (or does not) to testing (001).
        Schedule = "schedule",
        /// Tells the applicant (001: admitted to testing and when, or not admitted).
        Notify = "notify",
        /// Holds the testing (001).
        Test = "test",
        /// Signs the result.
        Sign = "sign",
        /// Gives out (or sends on) the result.
        Issue = "issue",
    }
}

/// How long a step may take, as the regulation words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepTime {
    /// Minutes of office time.
    Minutes(u32),
    /// Hours of office time.
    Hours(u32),
    /// Working days (the working calendar's).
    WorkingDays(u32),
    /// Calendar days.
    CalendarDays(u32),
    /// Before the end of the working day it began on ("сол жұмыс күні ішінде").
    SameWorkingDay,
    /// Within the service's own term ("Стандарттың 4-тармағында белгіленген мерзімде"):
    /// by the request's due moment.
    ServiceTerm,
}

/// One step of a service's process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStep {
    pub performer: Performer,
    pub action: StepAction,
    pub time: StepTime,
    /// The paragraph it comes from, quoted.
    pub source: String,
}

/// The provider's office hours: 9:00–18:00 with a break 13:00–14:00 (001's annex names
/// these for the Almaty department; the other regulations name none, so they are the
/// default for every provider until a regulation says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeHours {
    pub opens: Time,
    pub break_starts: Time,
    pub break_ends: Time,
    pub closes: Time,
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours {
            opens: time::macros::time!(9:00),
            break_starts: time::macros::time!(13:00),
            break_ends: time::macros::time!(14:00),
            closes: time::macros::time!(18:00),
        }
    }
}

impl OfficeHours {
    /// The office time left in `at`'s day from `at` on (none on a day off).
    fn left_on(&self, at: PrimitiveDateTime, calendar: &WorkCalendar) -> Vec<(Time, Time)> {
        if !calendar.is_working_day(at.date()) {
            return Vec::new();
        }
        [
            (self.opens, self.break_starts),
            (self.break_ends, self.closes),
        ]
        .into_iter()
        .filter_map(|(from, to)| {
            let from = from.max(at.time());
            (from < to).then_some((from, to))
        })
        .collect()
    }

    /// `minutes` of office time after `start`: counted only while the office is open on a
    /// working day.
    pub fn add_minutes(
        &self,
        start: PrimitiveDateTime,
        minutes: u32,
        calendar: &WorkCalendar,
    ) -> PrimitiveDateTime {
        let mut left = i64::from(minutes);
        let mut at = start;
        // A term of minutes ends within weeks even across the longest holidays.
        for _ in 0..400 {
            for (from, to) in self.left_on(at, calendar) {
                let open = (to - from).whole_minutes();
                if left <= open {
                    return at.replace_time(from) + Duration::minutes(left);
                }
                left -= open;
            }
            at = PrimitiveDateTime::new(at.date().next_day().unwrap_or(at.date()), Time::MIDNIGHT);
        }
        at
    }

    /// The end of the working day `start` falls on, or of the next working day when it is
    /// not one (or the office has closed).
    pub fn end_of_working_day(
        &self,
        start: PrimitiveDateTime,
        calendar: &WorkCalendar,
    ) -> PrimitiveDateTime {
        let mut at = start;
        for _ in 0..400 {
            if calendar.is_working_day(at.date()) && at.time() < self.closes {
                return at.replace_time(self.closes);
            }
            at = PrimitiveDateTime::new(at.date().next_day().unwrap_or(at.date()), Time::MIDNIGHT);
        }
        at
    }
}

impl StepTime {
    /// When a step begun at `start` (Kazakhstan's local time) falls due; `request_due` is
    /// when the whole request does (the service's term from registration).
    pub fn due(
        self,
        start: PrimitiveDateTime,
        request_due: PrimitiveDateTime,
        hours: &OfficeHours,
        calendar: &WorkCalendar,
    ) -> PrimitiveDateTime {
        match self {
            StepTime::ServiceTerm => request_due,
            StepTime::Minutes(m) => hours.add_minutes(start, m, calendar),
            StepTime::Hours(h) => hours.add_minutes(start, h * 60, calendar),
            StepTime::SameWorkingDay => hours.end_of_working_day(start, calendar),
            StepTime::WorkingDays(n) => {
                let term = crate::calendar::Term {
                    days: n,
                    kind: crate::calendar::DayKind::Working,
                };
                let day = calendar.due_date(start.date(), term);
                PrimitiveDateTime::new(day, hours.closes)
            }
            StepTime::CalendarDays(n) => {
                let day = start.date() + Duration::days(i64::from(n));
                PrimitiveDateTime::new(day, hours.closes)
            }
        }
    }
}

/// Why a step cannot be completed by whom it was asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the request is past its last step")]
    Finished,
    #[error("this step is another role's")]
    NotYourRole,
    #[error("the step is held by another member of staff")]
    HeldByAnother,
    #[error("who prepared a result may not sign it")]
    FourEyes,
}

impl StepError {
    pub const ALL: [StepError; 4] = [
        StepError::Finished,
        StepError::NotYourRole,
        StepError::HeldByAnother,
        StepError::FourEyes,
    ];

    /// The stable code the API answers with (`error.<code>` in the locale files).
    pub fn code(self) -> &'static str {
        match self {
            StepError::Finished => "process.finished",
            StepError::NotYourRole => "process.not_your_role",
            StepError::HeldByAnother => "process.held_by_another",
            StepError::FourEyes => "process.four_eyes",
        }
    }
}

/// Where a request stands in its provider's process: the step it is at, since when, who
/// holds it (the executor the head named, once named) and who prepared the result (for the
/// four-eyes rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub step: usize,
    pub started: PrimitiveDateTime,
    pub holder: Option<i64>,
    pub prepared_by: Option<i64>,
}

/// A member of staff as the process sees them: their account and their roles at the
/// request's provider.
#[derive(Debug, Clone, Copy)]
pub struct Staff<'a> {
    pub account_id: i64,
    pub roles: &'a [Performer],
}

impl Progress {
    /// A request entering its process at `at` (registered on the portal, or accepted).
    pub fn start(at: PrimitiveDateTime) -> Progress {
        Progress {
            step: 0,
            started: at,
            holder: None,
            prepared_by: None,
        }
    }

    /// The step the request is at, if any is left.
    pub fn current<'s>(&self, steps: &'s [ProcessStep]) -> Option<&'s ProcessStep> {
        steps.get(self.step)
    }

    /// When the current step falls due.
    pub fn due(
        &self,
        steps: &[ProcessStep],
        request_due: PrimitiveDateTime,
        hours: &OfficeHours,
        calendar: &WorkCalendar,
    ) -> Option<PrimitiveDateTime> {
        let step = self.current(steps)?;
        Some(step.time.due(self.started, request_due, hours, calendar))
    }

    /// Whether `who` may complete the current step: it is their role's; an executor's step
    /// is the named executor's; the head who signs did not prepare the result.
    pub fn may_complete(&self, steps: &[ProcessStep], who: Staff<'_>) -> Result<(), StepError> {
        let step = self.current(steps).ok_or(StepError::Finished)?;
        if !who.roles.contains(&step.performer) {
            return Err(StepError::NotYourRole);
        }
        if step.performer == Performer::Executor && self.holder.is_some_and(|h| h != who.account_id)
        {
            return Err(StepError::HeldByAnother);
        }
        if step.action == StepAction::Sign && self.prepared_by == Some(who.account_id) {
            return Err(StepError::FourEyes);
        }
        Ok(())
    }

    /// The current step done by `who` at `at`: the next one starts. Naming the executor
    /// (`assign`) makes them the holder; an executor's examination records who prepared.
    pub fn complete(
        &self,
        steps: &[ProcessStep],
        who: Staff<'_>,
        executor: Option<i64>,
        at: PrimitiveDateTime,
    ) -> Result<Progress, StepError> {
        self.may_complete(steps, who)?;
        let step = self.current(steps).ok_or(StepError::Finished)?;
        let mut next = Progress {
            step: self.step + 1,
            started: at,
            ..self.clone()
        };
        match (step.performer, step.action) {
            (_, StepAction::Assign) => next.holder = executor,
            (Performer::Executor, StepAction::Examine) => next.prepared_by = Some(who.account_id),
            _ => {}
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn due(start: PrimitiveDateTime, t: StepTime) -> PrimitiveDateTime {
        let request_due = datetime!(2026-04-30 18:00);
        t.due(
            start,
            request_due,
            &OfficeHours::default(),
            WorkCalendar::kazakhstan(),
        )
    }

    #[test]
    fn minutes_count_only_while_the_office_is_open() {
        // Friday 20 March 2026, 17:50; 21–25 March are Nauryz and its moved days off.
        let friday = datetime!(2026-03-20 17:50);
        assert_eq!(
            due(friday, StepTime::Minutes(10)),
            datetime!(2026-03-20 18:00)
        );
        assert_eq!(
            due(friday, StepTime::Minutes(30)),
            datetime!(2026-03-26 09:20)
        );
        // Over the lunch break.
        assert_eq!(
            due(datetime!(2026-03-26 12:50), StepTime::Minutes(20)),
            datetime!(2026-03-26 14:10)
        );
        // Before opening, from opening.
        assert_eq!(
            due(datetime!(2026-03-26 07:00), StepTime::Hours(2)),
            datetime!(2026-03-26 11:00)
        );
    }

    #[test]
    fn the_same_working_day_ends_at_closing_or_on_the_next_working_day() {
        assert_eq!(
            due(datetime!(2026-03-20 10:00), StepTime::SameWorkingDay),
            datetime!(2026-03-20 18:00)
        );
        // Registered on a holiday (from the portal): the next working day.
        assert_eq!(
            due(datetime!(2026-03-22 10:00), StepTime::SameWorkingDay),
            datetime!(2026-03-26 18:00)
        );
    }

    #[test]
    fn days_end_at_closing_time_on_the_calendar_they_count() {
        // Two working days from Friday 20 March 2026 skip the holidays: 26, 27 March.
        assert_eq!(
            due(datetime!(2026-03-20 10:00), StepTime::WorkingDays(2)),
            datetime!(2026-03-27 18:00)
        );
        assert_eq!(
            due(datetime!(2026-03-20 10:00), StepTime::CalendarDays(28)),
            datetime!(2026-04-17 18:00)
        );
        assert_eq!(
            due(datetime!(2026-03-20 10:00), StepTime::ServiceTerm),
            datetime!(2026-04-30 18:00)
        );
    }

    fn guardianship() -> Vec<ProcessStep> {
        let step = |performer, action, time| ProcessStep {
            performer,
            action,
            time,
            source: "004 §5".into(),
        };
        vec![
            step(
                Performer::Office,
                StepAction::Register,
                StepTime::Minutes(30),
            ),
            step(Performer::Head, StepAction::Assign, StepTime::Minutes(20)),
            step(
                Performer::Executor,
                StepAction::Examine,
                StepTime::CalendarDays(28),
            ),
            step(Performer::Head, StepAction::Sign, StepTime::CalendarDays(1)),
            step(Performer::Office, StepAction::Issue, StepTime::Minutes(30)),
        ]
    }

    #[test]
    fn the_request_walks_office_head_executor_head_office_with_four_eyes() {
        let steps = guardianship();
        let (clerk, head, executor, other) = (
            Staff {
                account_id: 1,
                roles: &[Performer::Office],
            },
            Staff {
                account_id: 2,
                roles: &[Performer::Head],
            },
            Staff {
                account_id: 3,
                roles: &[Performer::Executor],
            },
            Staff {
                account_id: 4,
                roles: &[Performer::Executor, Performer::Head],
            },
        );
        let at = datetime!(2026-03-02 10:00);
        let p = Progress::start(at);
        assert_eq!(p.may_complete(&steps, head), Err(StepError::NotYourRole));
        let p = p.complete(&steps, clerk, None, at).unwrap();
        let p = p.complete(&steps, head, Some(3), at).unwrap();
        assert_eq!(p.holder, Some(3));
        // Another executor may not take the named one's step.
        assert_eq!(p.may_complete(&steps, other), Err(StepError::HeldByAnother));
        let p = p.complete(&steps, executor, None, at).unwrap();
        assert_eq!(p.prepared_by, Some(3));
        // Four eyes: had the preparer been a head too, they could not sign their own.
        let own = Progress {
            prepared_by: Some(4),
            ..p.clone()
        };
        assert_eq!(own.may_complete(&steps, other), Err(StepError::FourEyes));
        let p = p.complete(&steps, head, None, at).unwrap();
        let p = p.complete(&steps, clerk, None, at).unwrap();
        assert_eq!(p.current(&steps), None);
        assert_eq!(p.may_complete(&steps, clerk), Err(StepError::Finished));
    }

    #[test]
    fn a_step_falls_due_by_its_own_time_from_when_it_started() {
        let steps = guardianship();
        let hours = OfficeHours::default();
        let cal = WorkCalendar::kazakhstan();
        let request_due = datetime!(2026-04-01 18:00);
        // Registered at 17:45 on Friday 20 March 2026: the office's 30 minutes run into
        // Thursday 26 March (Nauryz), 9:15.
        let p = Progress::start(datetime!(2026-03-20 17:45));
        assert_eq!(
            p.due(&steps, request_due, &hours, cal),
            Some(datetime!(2026-03-26 09:15))
        );
        let at_executor = Progress { step: 2, ..p };
        assert_eq!(
            at_executor.due(&steps, request_due, &hours, cal),
            Some(datetime!(2026-04-17 18:00))
        );
    }

    #[test]
    fn performers_and_actions_have_stable_codes() {
        assert_eq!(Performer::from_code("executor"), Some(Performer::Executor));
        assert_eq!(StepAction::ALL.len(), 11);
        assert_eq!(Performer::ALL.len(), 6);
    }
}
