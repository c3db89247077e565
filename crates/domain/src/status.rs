//! The status machine of a request: which moves exist, and who may make each.
//!
//! Every status change in the portal goes through [`transition`]; an illegal move is an
//! error value, never a panic, and every legal one yields the history entry to store.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

crate::coded::coded_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Draft = "draft",
        Registered = "registered",
        InReview = "in_review",
        AwaitingInterestedBody = "awaiting_interested_body",
        TestingScheduled = "testing_scheduled",
        Satisfied = "satisfied",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

impl Status {
    /// A decision has been made or the applicant withdrew: nothing moves any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Satisfied | Status::Refused | Status::Withdrawn
        )
    }
}

crate::coded::coded_enum! {
    /// Who makes a move.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Actor {
        Applicant = "applicant",
        Officer = "officer",
        /// The portal itself: registration of a verified, signed submission.
        System = "system",
    }
}

/// The intermediate steps a service's provider may record (from the catalogue).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSteps {
    /// Admission to testing with a date (expert attestation, 000 annex 5 / 001).
    pub testing: bool,
    /// Approval by an interested body before the decision (grain licence issue, 003).
    pub interested_body: bool,
}

crate::coded::coded_enum! {
    /// Why a move is refused.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
    pub enum TransitionError {
        #[error("no such move from this status")]
        NotAllowed = "status.transition_not_allowed",
        #[error("this actor may not make the move")]
        WrongActor = "status.wrong_actor",
        #[error("the service has no such step")]
        StepNotInService = "status.step_not_in_service",
        #[error("a refusal must give its reason")]
        ReasonRequired = "status.reason_required",
    }
}

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub from: Status,
    pub to: Status,
    pub actor: Actor,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub note: Option<String>,
}

use Status::*;

/// The transition table: (from, to, who may make it).
pub const TRANSITIONS: &[(Status, Status, Actor)] = &[
    (Draft, Registered, Actor::System),
    (Registered, InReview, Actor::Officer),
    (Registered, Withdrawn, Actor::Applicant),
    (InReview, TestingScheduled, Actor::Officer),
    (InReview, AwaitingInterestedBody, Actor::Officer),
    (InReview, Satisfied, Actor::Officer),
    (InReview, Refused, Actor::Officer),
    (InReview, Withdrawn, Actor::Applicant),
    (TestingScheduled, InReview, Actor::Officer),
    (TestingScheduled, Satisfied, Actor::Officer),
    (TestingScheduled, Refused, Actor::Officer),
    (TestingScheduled, Withdrawn, Actor::Applicant),
    (AwaitingInterestedBody, InReview, Actor::Officer),
    (AwaitingInterestedBody, Refused, Actor::Officer),
    (AwaitingInterestedBody, Withdrawn, Actor::Applicant),
];

/// The moves `actor` may make from `from` for a service with `steps`.
pub fn allowed_moves(from: Status, actor: Actor, steps: ServiceSteps) -> Vec<Status> {
    TRANSITIONS
        .iter()
        .filter(|(f, to, a)| *f == from && *a == actor && step_available(*to, steps))
        .map(|(_, to, _)| *to)
        .collect()
}

fn step_available(to: Status, steps: ServiceSteps) -> bool {
    match to {
        TestingScheduled => steps.testing,
        AwaitingInterestedBody => steps.interested_body,
        _ => true,
    }
}

/// Makes a move, or says why it cannot be made. A refusal needs a non-blank reason (it is
/// shown to the applicant as the reasoned refusal).
pub fn transition(
    from: Status,
    to: Status,
    actor: Actor,
    steps: ServiceSteps,
    at: OffsetDateTime,
    note: Option<String>,
) -> Result<HistoryEntry, TransitionError> {
    let rows: Vec<_> = TRANSITIONS
        .iter()
        .filter(|(f, t, _)| *f == from && *t == to)
        .collect();
    if rows.is_empty() {
        return Err(TransitionError::NotAllowed);
    }
    if !rows.iter().any(|(_, _, a)| *a == actor) {
        return Err(TransitionError::WrongActor);
    }
    if !step_available(to, steps) {
        return Err(TransitionError::StepNotInService);
    }
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if to == Refused && note.is_none() {
        return Err(TransitionError::ReasonRequired);
    }
    Ok(HistoryEntry {
        from,
        to,
        actor,
        at,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-02 10:00 +5);
    const ALL_STEPS: ServiceSteps = ServiceSteps {
        testing: true,
        interested_body: true,
    };

    fn go(from: Status, to: Status, actor: Actor) -> Result<HistoryEntry, TransitionError> {
        transition(from, to, actor, ALL_STEPS, NOW, Some("note".into()))
    }

    #[test]
    fn the_happy_path_of_a_grain_licence() {
        let path = [
            (Draft, Registered, Actor::System),
            (Registered, InReview, Actor::Officer),
            (InReview, AwaitingInterestedBody, Actor::Officer),
            (AwaitingInterestedBody, InReview, Actor::Officer),
            (InReview, Satisfied, Actor::Officer),
        ];
        for (from, to, actor) in path {
            let entry = go(from, to, actor).unwrap();
            assert_eq!(
                (entry.from, entry.to, entry.actor, entry.at),
                (from, to, actor, NOW)
            );
        }
    }

    #[test]
    fn final_statuses_have_no_way_out() {
        for from in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for to in Status::ALL {
                for actor in [Actor::Applicant, Actor::Officer, Actor::System] {
                    assert_eq!(
                        go(from, to, actor),
                        Err(TransitionError::NotAllowed),
                        "{from:?}→{to:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_the_right_actor_moves() {
        assert_eq!(
            go(Registered, InReview, Actor::Applicant),
            Err(TransitionError::WrongActor)
        );
        assert_eq!(
            go(InReview, Satisfied, Actor::Applicant),
            Err(TransitionError::WrongActor)
        );
        assert_eq!(
            go(Registered, Withdrawn, Actor::Officer),
            Err(TransitionError::WrongActor)
        );
        assert_eq!(
            go(Draft, Registered, Actor::Applicant),
            Err(TransitionError::WrongActor)
        );
        assert_eq!(
            go(Registered, Satisfied, Actor::Officer),
            Err(TransitionError::NotAllowed)
        );
    }

    #[test]
    fn steps_exist_only_where_the_service_has_them() {
        let none = ServiceSteps::default();
        let r = transition(InReview, TestingScheduled, Actor::Officer, none, NOW, None);
        assert_eq!(r, Err(TransitionError::StepNotInService));
        let r = transition(
            InReview,
            AwaitingInterestedBody,
            Actor::Officer,
            none,
            NOW,
            None,
        );
        assert_eq!(r, Err(TransitionError::StepNotInService));
        assert_eq!(
            allowed_moves(InReview, Actor::Officer, none),
            vec![Satisfied, Refused]
        );
        assert_eq!(
            allowed_moves(
                InReview,
                Actor::Officer,
                ServiceSteps {
                    testing: true,
                    interested_body: false
                }
            ),
            vec![TestingScheduled, Satisfied, Refused]
        );
    }

    #[test]
    fn a_refusal_needs_a_reason() {
        for note in [None, Some("   ".to_string())] {
            let r = transition(InReview, Refused, Actor::Officer, ALL_STEPS, NOW, note);
            assert_eq!(r, Err(TransitionError::ReasonRequired));
        }
        let r = transition(
            InReview,
            Refused,
            Actor::Officer,
            ALL_STEPS,
            NOW,
            Some(" incomplete ".into()),
        );
        assert_eq!(r.unwrap().note.as_deref(), Some("incomplete"));
    }

    #[test]
    fn withdrawal_only_before_a_decision() {
        for from in [
            Registered,
            InReview,
            TestingScheduled,
            AwaitingInterestedBody,
        ] {
            assert!(go(from, Withdrawn, Actor::Applicant).is_ok());
        }
        assert_eq!(
            go(Draft, Withdrawn, Actor::Applicant),
            Err(TransitionError::NotAllowed)
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
    }
}
