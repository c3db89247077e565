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

/// The State Corporation's id among the bodies staff work for: its operators and its
/// accumulation department are staff like a provider's, but of no service's provider.
pub const STATE_CORPORATION: &str = "state-corporation";

impl Performer {
    /// The roles the staff of `body` (a provider's id, or [`STATE_CORPORATION`]) may hold, in
    /// the order they are shown: the State Corporation's desk and accumulation department,
    /// or a provider's office, head and executor.
    pub fn staff_roles(body: &str) -> &'static [Performer] {
        if body == STATE_CORPORATION {
            &[Performer::StateCorporation, Performer::Accumulation]
        } else {
            &[Performer::Office, Performer::Head, Performer::Executor]
        }
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

crate::coded::coded_enum! {
    /// Where the result of a request accepted at a counter is, as anyone holding its receipt
    /// may learn by the receipt's code: waiting at the counter, handed over, or returned to
    /// the provider after the keeping period.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Collection {
        Waiting = "waiting",
        HandedOver = "handed_over",
        Returned = "returned",
    }
}

crate::coded::coded_enum! {
    /// What was done in a request's process (the provider's log of it).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum StepEvent {
        Completed = "completed",
        Assigned = "assigned",
        Reassigned = "reassigned",
        Prepared = "prepared",
        Decided = "decided",
        /// The result given to the applicant, or their representative, in person.
        HandedOver = "handed_over",
        /// An uncollected result returned to the provider after the keeping period.
        Returned = "returned",
    }
}

/// How long a step may take, as the regulation words it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Calendar months (004 §10: the State Corporation keeps an uncollected result "бір ай
    /// ішінде", then returns it to the provider).
    CalendarMonths(u32),
    /// The regulation gives the step no time (000: the State Corporation's accumulation
    /// department, the result given out): it is never overdue.
    NotSet,
}

/// One step of a service's process.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// when the whole request does (the service's term from registration). `None`: the
    /// regulation sets the step no time.
    pub fn due(
        self,
        start: PrimitiveDateTime,
        request_due: PrimitiveDateTime,
        hours: &OfficeHours,
        calendar: &WorkCalendar,
    ) -> Option<PrimitiveDateTime> {
        Some(match self {
            StepTime::NotSet => return None,
            StepTime::CalendarMonths(n) => {
                PrimitiveDateTime::new(add_months(start.date(), n), hours.closes)
            }
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
        })
    }
}

/// The same day `n` months later (the month's last day where it is shorter: 31 January + 1
/// month is 28 or 29 February).
fn add_months(date: time::Date, n: u32) -> time::Date {
    let months = date.month() as u32 - 1 + n;
    let year = date.year() + (months / 12) as i32;
    let month = time::Month::try_from((months % 12 + 1) as u8).unwrap_or(time::Month::January);
    let last = month.length(year);
    time::Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// Why a step cannot be completed (or a request reassigned) by whom it was asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the request is past this step")]
    Finished,
    #[error("the request has moved on since it was read")]
    Stale,
    #[error("this step is another role's")]
    NotYourRole,
    #[error("the step is held by another member of staff")]
    HeldByAnother,
    #[error("who prepared a result may not sign it")]
    FourEyes,
    #[error("naming the executor needs an executor of this provider")]
    ExecutorRequired,
    #[error("preparing the result needs its outcome (and a refusal its reason)")]
    OutcomeRequired,
    #[error("the result is decided by signing it")]
    SignatureRequired,
    #[error("the signed decision is not the one the executor prepared")]
    NotAsPrepared,
    #[error("an executor is reassigned with a reason, while the examination is open")]
    CannotReassign,
    #[error("only an uncollected result past its keeping period goes back to the provider")]
    NotReturnable,
}

impl StepError {
    pub const ALL: [StepError; 11] = [
        StepError::Finished,
        StepError::Stale,
        StepError::NotYourRole,
        StepError::HeldByAnother,
        StepError::FourEyes,
        StepError::ExecutorRequired,
        StepError::OutcomeRequired,
        StepError::SignatureRequired,
        StepError::NotAsPrepared,
        StepError::CannotReassign,
        StepError::NotReturnable,
    ];

    /// The stable code the API answers with (`error.<code>` in the locale files).
    pub fn code(self) -> &'static str {
        match self {
            StepError::Finished => "process.finished",
            StepError::Stale => "process.stale",
            StepError::NotYourRole => "process.not_your_role",
            StepError::HeldByAnother => "process.held_by_another",
            StepError::FourEyes => "process.four_eyes",
            StepError::ExecutorRequired => "process.executor_required",
            StepError::OutcomeRequired => "process.outcome_required",
            StepError::SignatureRequired => "process.signature_required",
            StepError::NotAsPrepared => "process.not_as_prepared",
            StepError::CannotReassign => "process.cannot_reassign",
            StepError::NotReturnable => "process.not_returnable",
        }
    }
}

/// What completing a step asks of the one who completes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Done is done: registered, passed on, approved, issued.
    Plain,
    /// Naming the responsible executor.
    Assign,
    /// The executor's preparation of the result the head will sign: its outcome and, for a
    /// refusal, the reason.
    Prepare,
    /// The result itself, signed with the EDS of whoever makes this step (the head where
    /// the regulation has the head sign; the executor where it has no such step, as 002).
    Decide,
}

/// The step at which the result is decided: the last signature of the head, or — where the
/// regulation has the head sign nothing (002) — the executor's last examination.
pub fn decision_step(steps: &[ProcessStep]) -> Option<usize> {
    let last = |f: &dyn Fn(&ProcessStep) -> bool| steps.iter().rposition(f);
    last(&|s| s.action == StepAction::Sign).or_else(|| {
        last(&|s| s.performer == Performer::Executor && s.action == StepAction::Examine)
    })
}

/// What step `index` asks of whoever completes it.
pub fn kind_of(steps: &[ProcessStep], index: usize) -> StepKind {
    let decision = decision_step(steps);
    let Some(step) = steps.get(index) else {
        return StepKind::Plain;
    };
    if Some(index) == decision {
        return StepKind::Decide;
    }
    if step.action == StepAction::Assign {
        return StepKind::Assign;
    }
    // The executor's last step before the head's signature prepares what is signed.
    let prepares = decision.is_some_and(|d| {
        steps[d].performer != Performer::Executor
            && steps[..d]
                .iter()
                .rposition(|s| s.performer == Performer::Executor)
                == Some(index)
    });
    if prepares {
        StepKind::Prepare
    } else {
        StepKind::Plain
    }
}

/// The result as the executor prepared it, for the head to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    pub by: i64,
    pub outcome: crate::decision::Outcome,
    pub reason: Option<String>,
}

/// How a step was completed: what its kind asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    Plain,
    /// The executor named (an account the server checked is an executor of the provider).
    Assign {
        executor: i64,
    },
    Prepare {
        outcome: crate::decision::Outcome,
        reason: Option<String>,
    },
    /// The signed decision was accepted (only the lifecycle's `decide` says so).
    Decided {
        outcome: crate::decision::Outcome,
    },
    /// A result given out in person (a last `issue` step at a counter): to the applicant,
    /// or to the representative named with their power of attorney.
    HandedOver {
        representative: Option<String>,
    },
    /// Nobody came within the keeping period: the result goes back to the provider (only a
    /// step with a keeping period, past it — the lifecycle checks the "past").
    Returned,
}

impl Done {
    /// What the provider's log calls it.
    pub fn event(&self) -> StepEvent {
        match self {
            Done::Plain => StepEvent::Completed,
            Done::Assign { .. } => StepEvent::Assigned,
            Done::Prepare { .. } => StepEvent::Prepared,
            Done::Decided { .. } => StepEvent::Decided,
            Done::HandedOver { .. } => StepEvent::HandedOver,
            Done::Returned => StepEvent::Returned,
        }
    }
}

/// Where a request stands in its provider's process: the step it is at, since when, who
/// holds it (the executor the head named, or who took it) and the result as prepared (for
/// the four-eyes rule and what the head signs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub step: usize,
    pub started: PrimitiveDateTime,
    pub holder: Option<i64>,
    pub prepared: Option<Prepared>,
}

/// A member of staff as the process sees them: their account and their roles at the
/// request's provider.
#[derive(Debug, Clone, Copy)]
pub struct Staff<'a> {
    pub account_id: i64,
    pub roles: &'a [Performer],
}

impl Staff<'_> {
    fn is(&self, role: Performer) -> bool {
        self.roles.contains(&role)
    }
}

impl Progress {
    /// A request entering its process at `at` (registered on the portal, or accepted).
    pub fn start(at: PrimitiveDateTime) -> Progress {
        Progress {
            step: 0,
            started: at,
            holder: None,
            prepared: None,
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
        step.time.due(self.started, request_due, hours, calendar)
    }

    /// Whether the current step is the executor's (or an interested body's, whose answer
    /// the executor records): the examination, in which the status moves are made.
    pub fn in_examination(&self, steps: &[ProcessStep]) -> bool {
        self.current(steps)
            .is_some_and(|s| matches!(s.performer, Performer::Executor | Performer::InterestedBody))
    }

    /// Whether `who` may complete the current step: it is their role's (an interested
    /// body's answer is recorded by the executor); an executor's step is the one who holds
    /// the request, once someone does; the head who signs did not prepare the result.
    pub fn may_complete(&self, steps: &[ProcessStep], who: Staff<'_>) -> Result<(), StepError> {
        let step = self.current(steps).ok_or(StepError::Finished)?;
        let role = match step.performer {
            Performer::InterestedBody => Performer::Executor,
            other => other,
        };
        if !who.is(role) {
            return Err(StepError::NotYourRole);
        }
        if role == Performer::Executor && self.holder.is_some_and(|h| h != who.account_id) {
            return Err(StepError::HeldByAnother);
        }
        let signs = kind_of(steps, self.step) == StepKind::Decide && role != Performer::Executor;
        if (signs || step.action == StepAction::Sign)
            && self
                .prepared
                .as_ref()
                .is_some_and(|p| p.by == who.account_id)
        {
            return Err(StepError::FourEyes);
        }
        Ok(())
    }

    /// Whether `who` may make a status move (take into review, schedule testing, send to
    /// the interested body): the executor holding the request, during the examination.
    pub fn may_move(&self, steps: &[ProcessStep], who: Staff<'_>) -> Result<(), StepError> {
        if !self.in_examination(steps) {
            return Err(StepError::NotYourRole);
        }
        if !who.is(Performer::Executor) {
            return Err(StepError::NotYourRole);
        }
        if self.holder.is_some_and(|h| h != who.account_id) {
            return Err(StepError::HeldByAnother);
        }
        Ok(())
    }

    /// Whether `who` may sign the decision `outcome` now: the decision step is theirs and,
    /// where the executor prepared the result, it is that result.
    pub fn may_decide(
        &self,
        steps: &[ProcessStep],
        who: Staff<'_>,
        outcome: crate::decision::Outcome,
    ) -> Result<(), StepError> {
        if kind_of(steps, self.step) != StepKind::Decide {
            // Past the decision (or the process) is "done already"; before it, not yet theirs.
            let decided = decision_step(steps).is_none_or(|d| self.step > d);
            return Err(if decided {
                StepError::Finished
            } else {
                StepError::NotYourRole
            });
        }
        self.may_complete(steps, who)?;
        match &self.prepared {
            Some(p) if p.outcome != outcome => Err(StepError::NotAsPrepared),
            _ => Ok(()),
        }
    }

    /// The current step, which `who` saw as step `seen`, done by `who` at `at` as `done`:
    /// the next one starts. Naming the executor makes them the holder; an executor who
    /// completes a step nobody holds takes the request; a preparation is kept for the head.
    pub fn complete(
        &self,
        steps: &[ProcessStep],
        seen: usize,
        who: Staff<'_>,
        done: Done,
        at: PrimitiveDateTime,
    ) -> Result<Progress, StepError> {
        if self.current(steps).is_none() {
            return Err(StepError::Finished);
        }
        if seen != self.step {
            return Err(StepError::Stale);
        }
        self.may_complete(steps, who)?;
        let step = self.current(steps).ok_or(StepError::Finished)?;
        let mut next = Progress {
            step: self.step + 1,
            started: at,
            ..self.clone()
        };
        if step.performer == Performer::Executor && next.holder.is_none() {
            next.holder = Some(who.account_id);
        }
        let gives_out = step.action == StepAction::Issue && self.step + 1 == steps.len();
        match (kind_of(steps, self.step), done) {
            (StepKind::Plain, Done::Plain) => {}
            (StepKind::Plain, Done::HandedOver { .. }) if gives_out => {}
            (StepKind::Plain, Done::Returned)
                if gives_out && matches!(step.time, StepTime::CalendarMonths(_)) => {}
            (StepKind::Assign, Done::Assign { executor }) => next.holder = Some(executor),
            (StepKind::Assign, _) => return Err(StepError::ExecutorRequired),
            (StepKind::Prepare, Done::Prepare { outcome, reason }) => {
                let reason = reason
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty());
                if outcome == crate::decision::Outcome::Refused && reason.is_none() {
                    return Err(StepError::OutcomeRequired);
                }
                next.prepared = Some(Prepared {
                    by: who.account_id,
                    outcome,
                    reason,
                });
            }
            (StepKind::Prepare, _) => return Err(StepError::OutcomeRequired),
            (StepKind::Decide, Done::Decided { outcome }) => {
                if self.prepared.as_ref().is_some_and(|p| p.outcome != outcome) {
                    return Err(StepError::NotAsPrepared);
                }
            }
            (StepKind::Decide, _) => return Err(StepError::SignatureRequired),
            (StepKind::Plain, Done::Returned) => return Err(StepError::NotReturnable),
            (StepKind::Plain, _) => return Err(StepError::Stale),
        }
        Ok(next)
    }

    /// The head names another executor, with a reason (the server keeps it), while the
    /// examination is open and before the result is prepared. The step keeps its start: a
    /// reassignment does not give the step more time.
    pub fn reassign(
        &self,
        steps: &[ProcessStep],
        who: Staff<'_>,
        executor: i64,
        reason: &str,
    ) -> Result<Progress, StepError> {
        if !who.is(Performer::Head) {
            return Err(StepError::NotYourRole);
        }
        if !self.in_examination(steps)
            || self.holder.is_none()
            || self.prepared.is_some()
            || reason.trim().is_empty()
        {
            return Err(StepError::CannotReassign);
        }
        Ok(Progress {
            holder: Some(executor),
            ..self.clone()
        })
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
        .expect("a step with a time")
    }

    #[test]
    fn a_month_of_keeping_ends_the_same_day_next_month_and_no_time_is_never_due() {
        assert_eq!(
            due(datetime!(2026-03-20 10:00), StepTime::CalendarMonths(1)),
            datetime!(2026-04-20 18:00)
        );
        // The month's last day where it is shorter; across the year's end.
        assert_eq!(
            due(datetime!(2026-01-31 10:00), StepTime::CalendarMonths(1)),
            datetime!(2026-02-28 18:00)
        );
        assert_eq!(
            due(datetime!(2026-12-15 10:00), StepTime::CalendarMonths(1)),
            datetime!(2027-01-15 18:00)
        );
        let no_time = StepTime::NotSet.due(
            datetime!(2026-03-20 10:00),
            datetime!(2026-04-30 18:00),
            &OfficeHours::default(),
            WorkCalendar::kazakhstan(),
        );
        assert_eq!(no_time, None);
    }

    #[test]
    fn a_result_at_the_counter_is_handed_over_or_after_its_keeping_returned() {
        let step = |performer, action, time| ProcessStep {
            performer,
            action,
            time,
            source: "004 §10".into(),
        };
        let mut steps = guardianship();
        steps.push(step(
            Performer::StateCorporation,
            StepAction::Issue,
            StepTime::CalendarMonths(1),
        ));
        let operator = Staff {
            account_id: 9,
            roles: &[Performer::StateCorporation],
        };
        let at = datetime!(2026-03-02 10:00);
        let waiting = Progress {
            step: 5,
            started: at,
            holder: Some(3),
            prepared: None,
        };
        let handed = Done::HandedOver {
            representative: Some("Сенімхат № 12, 01.03.2026".into()),
        };
        assert_eq!(
            waiting
                .complete(&steps, 5, operator, handed, at)
                .map(|p| p.step),
            Ok(6)
        );
        assert_eq!(
            waiting
                .complete(&steps, 5, operator, Done::Returned, at)
                .map(|p| p.step),
            Ok(6)
        );
        // Only the last giving-out step hands over, and only one with a keeping period
        // returns: the office's issue step before it does neither.
        let clerk = Staff {
            account_id: 1,
            roles: &[Performer::Office],
        };
        let at_office = Progress { step: 4, ..waiting };
        assert_eq!(
            at_office.complete(&steps, 4, clerk, Done::Returned, at),
            Err(StepError::NotReturnable)
        );
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
        use crate::decision::Outcome;
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
        // Who read step 1 while it was still step 0 changes nothing.
        assert_eq!(
            p.complete(&steps, 1, clerk, Done::Plain, at),
            Err(StepError::Stale)
        );
        let p = p.complete(&steps, 0, clerk, Done::Plain, at).unwrap();
        assert_eq!(
            p.complete(&steps, 1, head, Done::Plain, at),
            Err(StepError::ExecutorRequired)
        );
        let p = p
            .complete(&steps, 1, head, Done::Assign { executor: 3 }, at)
            .unwrap();
        assert_eq!(p.holder, Some(3));
        assert!(p.in_examination(&steps));
        // Another executor may not take the named one's step, nor move its status.
        assert_eq!(p.may_complete(&steps, other), Err(StepError::HeldByAnother));
        assert_eq!(p.may_move(&steps, other), Err(StepError::HeldByAnother));
        assert_eq!(p.may_move(&steps, executor), Ok(()));
        // A refusal is prepared with its reason.
        let refusal = |reason: Option<&str>| Done::Prepare {
            outcome: Outcome::Refused,
            reason: reason.map(str::to_owned),
        };
        assert_eq!(
            p.complete(&steps, 2, executor, refusal(Some("  ")), at),
            Err(StepError::OutcomeRequired)
        );
        let p = p
            .complete(&steps, 2, executor, refusal(Some("Incomplete")), at)
            .unwrap();
        assert_eq!(p.prepared.as_ref().map(|p| p.by), Some(3));
        // The head signs what was prepared, by signing only.
        assert_eq!(
            p.may_decide(&steps, head, Outcome::Satisfied),
            Err(StepError::NotAsPrepared)
        );
        assert_eq!(
            p.complete(&steps, 3, head, Done::Plain, at),
            Err(StepError::SignatureRequired)
        );
        // Four eyes: had the preparer been a head too, they could not sign their own.
        let own = Progress {
            prepared: Some(Prepared {
                by: 4,
                outcome: Outcome::Refused,
                reason: Some("Incomplete".into()),
            }),
            ..p.clone()
        };
        assert_eq!(
            own.may_decide(&steps, other, Outcome::Refused),
            Err(StepError::FourEyes)
        );
        assert_eq!(p.may_decide(&steps, head, Outcome::Refused), Ok(()));
        let decided = Done::Decided {
            outcome: Outcome::Refused,
        };
        let p = p.complete(&steps, 3, head, decided, at).unwrap();
        let p = p.complete(&steps, 4, clerk, Done::Plain, at).unwrap();
        assert_eq!(p.current(&steps), None);
        assert_eq!(p.may_complete(&steps, clerk), Err(StepError::Finished));
    }

    #[test]
    fn the_head_reassigns_with_a_reason_while_the_examination_is_open() {
        let steps = guardianship();
        let head = Staff {
            account_id: 2,
            roles: &[Performer::Head],
        };
        let at = datetime!(2026-03-02 10:00);
        let assigned = Progress {
            step: 2,
            started: at,
            holder: Some(3),
            prepared: None,
        };
        assert_eq!(
            assigned.reassign(&steps, head, 5, " "),
            Err(StepError::CannotReassign)
        );
        let executor = Staff {
            account_id: 3,
            roles: &[Performer::Executor],
        };
        assert_eq!(
            assigned.reassign(&steps, executor, 5, "On leave"),
            Err(StepError::NotYourRole)
        );
        let moved = assigned.reassign(&steps, head, 5, "On leave").unwrap();
        assert_eq!((moved.holder, moved.started), (Some(5), at));
        // Not before anyone is named, nor once the result waits for the signature.
        let at_head = Progress {
            step: 3,
            ..assigned
        };
        assert_eq!(
            at_head.reassign(&steps, head, 5, "On leave"),
            Err(StepError::CannotReassign)
        );
    }

    #[test]
    fn the_decision_is_the_heads_last_signature_or_else_the_executors_last_examination() {
        let steps = guardianship();
        assert_eq!(decision_step(&steps), Some(3));
        let kinds: Vec<_> = (0..steps.len()).map(|i| kind_of(&steps, i)).collect();
        use StepKind::*;
        assert_eq!(kinds, [Plain, Assign, Prepare, Decide, Plain]);
        // 002: the executor prepares and the office sends it; no head signs.
        let no_head: Vec<_> = steps
            .iter()
            .filter(|s| s.action != StepAction::Sign)
            .cloned()
            .collect();
        assert_eq!(decision_step(&no_head), Some(2));
        assert_eq!(kind_of(&no_head, 2), Decide);
        // The executor decides and signs their own: four eyes has nobody else to ask.
        let executor = Staff {
            account_id: 3,
            roles: &[Performer::Executor],
        };
        let p = Progress {
            step: 2,
            started: datetime!(2026-03-02 10:00),
            holder: Some(3),
            prepared: None,
        };
        assert_eq!(
            p.may_decide(&no_head, executor, crate::decision::Outcome::Satisfied),
            Ok(())
        );
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
