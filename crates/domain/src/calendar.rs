//! Deadlines: a request's due date from its registration, its term and the kind of days.
//!
//! Working days skip weekends and Kazakhstan's public holidays, and count the Saturdays (or
//! Sundays) the government turned into working days. The holiday data is a text file
//! (`data/kz-calendar.txt`) compiled in, so the browser and the server count alike.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;
use time::{Date, Duration, Weekday};

/// Kazakhstan's one time zone since 1 March 2024: UTC+5. Registration days, due dates,
/// countdowns and appointments are reckoned in it, on the server and in the browser alike.
pub const KAZAKHSTAN_UTC_OFFSET_SECONDS: i32 = 5 * 3600;

/// `at` as a Kazakhstan local time.
pub fn in_kazakhstan(at: time::OffsetDateTime) -> time::OffsetDateTime {
    at.to_offset(
        time::UtcOffset::from_whole_seconds(KAZAKHSTAN_UTC_OFFSET_SECONDS)
            .expect("UTC+5 is a valid offset"),
    )
}

/// How the days of a term are counted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Calendar,
    Working,
}

/// A term: so many days of a kind, e.g. "30 working days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub days: u32,
    pub kind: DayKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Holiday,
    DayOff,
    Workday,
}

/// The calendar of non-working and transferred working days.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    entries: BTreeMap<Date, Entry>,
    first_year: i32,
    last_year: i32,
}

/// A line of the calendar file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("calendar line {line}: {reason}")]
pub struct CalendarError {
    pub line: usize,
    pub reason: String,
}

const KZ_CALENDAR: &str = include_str!("../data/kz-calendar.txt");

impl WorkCalendar {
    /// Kazakhstan's calendar as compiled in.
    pub fn kazakhstan() -> &'static WorkCalendar {
        static CAL: OnceLock<WorkCalendar> = OnceLock::new();
        CAL.get_or_init(|| {
            WorkCalendar::parse(KZ_CALENDAR).expect("the bundled calendar is valid (tested)")
        })
    }

    pub fn parse(text: &str) -> Result<WorkCalendar, CalendarError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut entries = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |reason: &str| CalendarError {
                line: i + 1,
                reason: reason.to_string(),
            };
            let mut parts = line.split_whitespace();
            let date = Date::parse(parts.next().unwrap_or_default(), &format)
                .map_err(|_| err("bad date"))?;
            let entry = match parts.next() {
                Some("holiday") => Entry::Holiday,
                Some("dayoff") => Entry::DayOff,
                Some("workday") => Entry::Workday,
                _ => return Err(err("kind must be holiday, dayoff or workday")),
            };
            let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
            if entry == Entry::Workday && !weekend {
                return Err(err("a transferred working day must be a weekend day"));
            }
            if entry == Entry::DayOff && weekend {
                return Err(err("a moved day off must be a weekday"));
            }
            if entries.insert(date, entry).is_some() {
                return Err(err("date listed twice"));
            }
        }
        let first_year = entries.keys().next().map_or(0, |d| d.year());
        let last_year = entries.keys().next_back().map_or(0, |d| d.year());
        Ok(WorkCalendar {
            entries,
            first_year,
            last_year,
        })
    }

    /// The years the data covers; outside them only weekends are known.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.entries.get(&date) {
            Some(Entry::Workday) => true,
            Some(Entry::Holiday | Entry::DayOff) => false,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The due date of a request registered on `registered`: the registration day itself is not
    /// counted (004: "the day of acceptance is not counted"); the term ends on its last day.
    pub fn due_date(&self, registered: Date, term: Term) -> Date {
        match term.kind {
            DayKind::Calendar => registered + Duration::days(term.days as i64),
            DayKind::Working => {
                let mut day = registered;
                let mut left = term.days;
                while left > 0 {
                    day = day.next_day().expect("dates stay far from the end of time");
                    if self.is_working_day(day) {
                        left -= 1;
                    }
                }
                day
            }
        }
    }
}

/// Where a request stands against its due date on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    /// Calendar days from today to the due date; negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
}

pub fn countdown(today: Date, due: Date) -> Countdown {
    let days_left = (due - today).whole_days();
    Countdown {
        days_left,
        overdue: days_left < 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evening_in_utc_is_the_next_day_in_kazakhstan() {
        let utc = time::macros::datetime!(2026-11-30 20:00 UTC);
        let local = in_kazakhstan(utc);
        assert_eq!(local.date(), time::macros::date!(2026 - 12 - 01));
        assert_eq!((local.hour(), local.minute()), (1, 0));
        assert_eq!(local, utc, "the same moment");
    }
    use time::macros::date;

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::kazakhstan()
    }

    fn working(days: u32) -> Term {
        Term {
            days,
            kind: DayKind::Working,
        }
    }

    #[test]
    fn the_bundled_calendar_covers_2025_to_2027() {
        assert_eq!(cal().years(), (2025, 2027));
    }

    #[test]
    fn nauryz_and_its_moved_days_are_skipped() {
        // 2026: Nauryz 21–23 March is Sat–Mon; the weekend days move to Tue 24 and Wed 25.
        for d in [
            date!(2026 - 03 - 21),
            date!(2026 - 03 - 23),
            date!(2026 - 03 - 24),
            date!(2026 - 03 - 25),
        ] {
            assert!(!cal().is_working_day(d), "{d} is off");
        }
        assert!(cal().is_working_day(date!(2026 - 03 - 26)));
        // Registered Friday 20 March: the first working day counted is Thursday 26 March.
        assert_eq!(
            cal().due_date(date!(2026 - 03 - 20), working(1)),
            date!(2026 - 03 - 26)
        );
        assert_eq!(
            cal().due_date(date!(2026 - 03 - 20), working(2)),
            date!(2026 - 03 - 27)
        );
        // Calendar days run straight through the holiday.
        assert_eq!(
            cal().due_date(
                date!(2026 - 03 - 20),
                Term {
                    days: 10,
                    kind: DayKind::Calendar
                }
            ),
            date!(2026 - 03 - 30)
        );
    }

    #[test]
    fn first_of_may_and_the_may_holidays() {
        // 2026: Fri 1 May, Thu 7 May, Fri 8 May (moved), Sat 9 May (Victory Day) → Mon 11 off.
        assert!(!cal().is_working_day(date!(2026 - 05 - 01)));
        assert!(!cal().is_working_day(date!(2026 - 05 - 11)));
        // Registered Thu 30 April, 3 working days: Mon 4, Tue 5, Wed 6 May.
        assert_eq!(
            cal().due_date(date!(2026 - 04 - 30), working(3)),
            date!(2026 - 05 - 06)
        );
        // One more skips 7, 8, the weekend and 11 May: Tue 12 May.
        assert_eq!(
            cal().due_date(date!(2026 - 04 - 30), working(4)),
            date!(2026 - 05 - 12)
        );
    }

    #[test]
    fn a_transferred_working_saturday_counts() {
        // 2026-05-16 is a Saturday made a working day.
        assert_eq!(date!(2026 - 05 - 16).weekday(), Weekday::Saturday);
        assert!(cal().is_working_day(date!(2026 - 05 - 16)));
        // Registered Friday 15 May: the first working day is that Saturday.
        assert_eq!(
            cal().due_date(date!(2026 - 05 - 15), working(1)),
            date!(2026 - 05 - 16)
        );
        // An ordinary Saturday does not count.
        assert_eq!(
            cal().due_date(date!(2026 - 05 - 22), working(1)),
            date!(2026 - 05 - 25)
        );
    }

    #[test]
    fn independence_day_16_december_only() {
        // 2026: Wed 16 December is off; Thu 17 December works (dropped as a holiday in 2022).
        assert!(!cal().is_working_day(date!(2026 - 12 - 16)));
        assert!(cal().is_working_day(date!(2026 - 12 - 17)));
        assert_eq!(
            cal().due_date(date!(2026 - 12 - 15), working(1)),
            date!(2026 - 12 - 17)
        );
        assert_eq!(
            cal().due_date(date!(2025 - 12 - 15), working(2)),
            date!(2025 - 12 - 18)
        );
    }

    #[test]
    fn thirty_working_days_across_new_year() {
        // Registered Tue 2026-12-01: December then has 21 working days (16 Dec is off). In
        // January 2027, 1 Jan, Mon 4 Jan (2 Jan fell on Saturday) and 7 Jan are off: working
        // days 22–24 are 5, 6, 8 Jan, 25–29 are 11–15 Jan, and the 30th is Monday 18 January.
        assert_eq!(
            cal().due_date(date!(2026 - 12 - 01), working(30)),
            date!(2027 - 01 - 18)
        );
    }

    #[test]
    fn countdown_says_days_left_and_overdue() {
        let due = date!(2026 - 03 - 30);
        assert_eq!(
            countdown(date!(2026 - 03 - 25), due),
            Countdown {
                days_left: 5,
                overdue: false
            }
        );
        assert_eq!(
            countdown(due, due),
            Countdown {
                days_left: 0,
                overdue: false
            }
        );
        assert_eq!(
            countdown(date!(2026 - 04 - 01), due),
            Countdown {
                days_left: -2,
                overdue: true
            }
        );
    }

    #[test]
    fn bad_calendar_lines_are_named() {
        assert_eq!(
            WorkCalendar::parse("2026-13-01 holiday x")
                .unwrap_err()
                .line,
            1
        );
        assert!(
            WorkCalendar::parse("\n2026-03-09 weekend x")
                .unwrap_err()
                .reason
                .contains("kind")
        );
        assert!(
            WorkCalendar::parse("2026-03-10 workday x")
                .unwrap_err()
                .reason
                .contains("weekend")
        );
        assert!(
            WorkCalendar::parse("2026-03-14 dayoff x")
                .unwrap_err()
                .reason
                .contains("weekday")
        );
        assert!(
            WorkCalendar::parse("2026-03-09 dayoff\n2026-03-09 dayoff")
                .unwrap_err()
                .reason
                .contains("twice")
        );
    }
}
