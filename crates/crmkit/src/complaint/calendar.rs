//! Business calendars: working hours in a time zone, minus holidays (whole
//! days or half days), for SLA due times and business-hour durations.
//!
//! A calendar is data (TOML or JSON):
//!
//! ```toml
//! name = "Türkiye, weekdays 09:00–18:00"
//! time_zone = "Europe/Istanbul"
//!
//! [working_hours]
//! mon = ["09:00-12:30", "13:30-18:00"]
//! tue = ["09:00-18:00"]
//!
//! [[holidays]]
//! date = "2026-10-28"
//! name = "Cumhuriyet Bayramı arifesi"
//! half_day_until = "13:00"     # work stops at 13:00
//!
//! [[holidays]]
//! date = "2026-10-29"
//! name = "Cumhuriyet Bayramı"
//! ```
//!
//! `examples/calendars/tr-2026-2027.toml` holds Türkiye's official holidays
//! for 2026 and 2027 with their half-day eves.
//!
//! ```
//! use crmkit::complaint::calendar::Calendar;
//! use jiff::{SignedDuration, Timestamp};
//!
//! let cal = Calendar::from_toml(r#"
//!     name = "weekdays"
//!     time_zone = "Europe/Istanbul"
//!     [working_hours]
//!     mon = ["09:00-18:00"]
//!     tue = ["09:00-18:00"]
//!     [[holidays]]
//!     date = "2026-11-24"
//!     name = "company day"
//!     half_day_until = "13:00"
//! "#).unwrap();
//! // Monday 17:00 Istanbul (14:00 UTC) + 3 business hours:
//! // 1 hour on Monday, then Tuesday is a half day (09:00–13:00): due Tuesday 11:00.
//! let start: Timestamp = "2026-11-23T14:00:00Z".parse().unwrap();
//! let due = cal.add_business_time(start, SignedDuration::from_hours(3)).unwrap();
//! assert_eq!(due.to_string(), "2026-11-24T08:00:00Z");
//! assert_eq!(cal.business_time_between(start, due).unwrap(), SignedDuration::from_hours(3));
//! ```

use crate::error::{Error, Result};
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

/// A holiday: a whole day off, or a half day that ends early.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holiday {
    /// The local date.
    pub date: Date,
    /// Its name.
    pub name: String,
    /// For a half day: the local time at which work stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_day_until: Option<Time>,
}

/// A working period within a day, `start` before `end`, written `"09:00-18:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Local start time.
    pub start: Time,
    /// Local end time.
    pub end: Time,
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Period, String> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("{s:?}: expected \"HH:MM-HH:MM\""))?;
        let parse = |t: &str| {
            t.trim()
                .parse::<Time>()
                .map_err(|e| format!("{s:?}: {t:?} is not a time of day ({e})"))
        };
        let (start, end) = (parse(a)?, parse(b)?);
        if start >= end {
            return Err(format!("{s:?}: the start must be before the end"));
        }
        Ok(Period { start, end })
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{}-{}",
            self.start.strftime("%H:%M"),
            self.end.strftime("%H:%M")
        ))
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Working periods per weekday; a day that is absent is not worked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Monday.
    #[serde(default)]
    pub mon: Vec<Period>,
    /// Tuesday.
    #[serde(default)]
    pub tue: Vec<Period>,
    /// Wednesday.
    #[serde(default)]
    pub wed: Vec<Period>,
    /// Thursday.
    #[serde(default)]
    pub thu: Vec<Period>,
    /// Friday.
    #[serde(default)]
    pub fri: Vec<Period>,
    /// Saturday.
    #[serde(default)]
    pub sat: Vec<Period>,
    /// Sunday.
    #[serde(default)]
    pub sun: Vec<Period>,
}

impl WorkingHours {
    /// The periods of a weekday.
    pub fn of(&self, day: Weekday) -> &[Period] {
        match day {
            Weekday::Monday => &self.mon,
            Weekday::Tuesday => &self.tue,
            Weekday::Wednesday => &self.wed,
            Weekday::Thursday => &self.thu,
            Weekday::Friday => &self.fri,
            Weekday::Saturday => &self.sat,
            Weekday::Sunday => &self.sun,
        }
    }

    /// Monday to Friday, 09:00–18:00.
    pub fn weekdays_nine_to_six() -> WorkingHours {
        let day = vec![Period {
            start: Time::constant(9, 0, 0, 0),
            end: Time::constant(18, 0, 0, 0),
        }];
        WorkingHours {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day,
            ..WorkingHours::default()
        }
    }
}

/// The file form of a calendar.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    name: String,
    time_zone: String,
    working_hours: WorkingHours,
    #[serde(default)]
    holidays: Vec<Holiday>,
}

/// A business calendar. Build it with [`Calendar::new`], [`Calendar::from_toml`]
/// or [`Calendar::from_json`]; it is immutable afterwards and cheap to share.
#[derive(Debug, Clone)]
pub struct Calendar {
    name: String,
    tz_name: String,
    tz: TimeZone,
    hours: WorkingHours,
    holidays: BTreeMap<Date, Holiday>,
}

impl serde::Serialize for Calendar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Calendar", 4)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("time_zone", &self.tz_name)?;
        st.serialize_field("working_hours", &self.hours)?;
        st.serialize_field("holidays", &self.holidays.values().collect::<Vec<_>>())?;
        st.end()
    }
}

/// The TOML of [`Calendar::turkey_2026_2027`].
pub const TURKEY_2026_2027: &str = include_str!("../../examples/calendars/tr-2026-2027.toml");

/// The longest span the calendar walks when adding business time; a target
/// further away than this is almost certainly a calendar without working hours.
const MAX_DAYS: i64 = 3 * 366;

fn calendar_error(message: impl Into<String>) -> Error {
    super::ComplaintError::InvalidCalendar(message.into()).into()
}

impl Calendar {
    /// A calendar in the IANA time zone `time_zone` (e.g. `"Europe/Istanbul"`).
    ///
    /// Errors: an unknown time zone, overlapping periods within a day, two
    /// holidays on one date, or no working period at all.
    pub fn new(
        name: &str,
        time_zone: &str,
        hours: WorkingHours,
        holidays: Vec<Holiday>,
    ) -> Result<Calendar> {
        let tz = TimeZone::get(time_zone).map_err(|e| {
            calendar_error(format!(
                "time_zone {time_zone:?} is not an IANA time zone ({e})"
            ))
        })?;
        let mut any = false;
        for day in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ] {
            let mut periods = hours.of(day).to_vec();
            periods.sort_by_key(|p| p.start);
            if periods.windows(2).any(|w| w[0].end > w[1].start) {
                return Err(calendar_error(format!("working_hours of {day:?} overlap")));
            }
            any |= !periods.is_empty();
        }
        if !any {
            return Err(calendar_error(
                "working_hours has no working period on any day",
            ));
        }
        let mut by_date = BTreeMap::new();
        for h in holidays {
            let date = h.date;
            if by_date.insert(date, h).is_some() {
                return Err(calendar_error(format!("two holidays on {date}")));
            }
        }
        Ok(Calendar {
            name: name.to_owned(),
            tz_name: time_zone.to_owned(),
            tz,
            hours,
            holidays: by_date,
        })
    }

    /// Türkiye's official holidays for 2026 and 2027 with their half-day
    /// eves, weekdays 09:00–18:00, Europe/Istanbul (the file
    /// `examples/calendars/tr-2026-2027.toml` of this crate).
    pub fn turkey_2026_2027() -> Calendar {
        // the embedded file is tested; failing here would be a build defect
        Calendar::from_toml(TURKEY_2026_2027).expect("the embedded Türkiye calendar is valid")
    }

    /// Reads a calendar from TOML (see the [module documentation](self)).
    pub fn from_toml(text: &str) -> Result<Calendar> {
        let f: CalendarFile = toml::from_str(text).map_err(|e| calendar_error(e.to_string()))?;
        Calendar::new(&f.name, &f.time_zone, f.working_hours, f.holidays)
    }

    /// Reads a calendar from JSON with the same fields as the TOML form.
    pub fn from_json(text: &str) -> Result<Calendar> {
        let f: CalendarFile =
            serde_json::from_str(text).map_err(|e| calendar_error(e.to_string()))?;
        Calendar::new(&f.name, &f.time_zone, f.working_hours, f.holidays)
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The holiday on a local date, if any.
    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// The working intervals of a local date, as timestamps, in order.
    fn intervals(&self, date: Date) -> Vec<(Timestamp, Timestamp)> {
        let holiday = self.holidays.get(&date);
        if holiday.is_some_and(|h| h.half_day_until.is_none()) {
            return Vec::new();
        }
        let until = holiday.and_then(|h| h.half_day_until);
        let mut periods = self.hours.of(date.weekday()).to_vec();
        periods.sort_by_key(|p| p.start);
        periods
            .into_iter()
            .filter_map(|p| {
                let end = until.map_or(p.end, |u| p.end.min(u));
                (p.start < end).then_some((p.start, end))
            })
            .filter_map(|(s, e)| {
                // a DST gap moves a local time forward: "compatible" disambiguation
                let s = self.tz.to_timestamp(DateTime::from_parts(date, s)).ok()?;
                let e = self.tz.to_timestamp(DateTime::from_parts(date, e)).ok()?;
                (s < e).then_some((s, e))
            })
            .collect()
    }

    fn local_date(&self, t: Timestamp) -> Date {
        t.to_zoned(self.tz.clone()).date()
    }

    /// The moment `amount` of business time after `start`: the SLA due time
    /// of a target. Time outside working hours, on holidays and after a half
    /// day's end does not count. A zero amount starting outside working hours
    /// is due at the next working moment.
    pub fn add_business_time(&self, start: Timestamp, amount: SignedDuration) -> Result<Timestamp> {
        if amount.is_negative() {
            return Err(Error::invalid_argument("amount", "a duration >= 0"));
        }
        let mut remaining = amount;
        let mut date = self.local_date(start);
        for _ in 0..MAX_DAYS {
            for (s, e) in self.intervals(date) {
                if e <= start {
                    continue;
                }
                let from = s.max(start);
                let available = e.duration_since(from);
                if remaining <= available {
                    return from
                        .checked_add(remaining)
                        .map_err(|err| Error::invalid_argument("amount", err.to_string()));
                }
                remaining -= available;
            }
            date = date
                .tomorrow()
                .map_err(|err| Error::invalid_argument("start", err.to_string()))?;
        }
        Err(Error::invalid_argument(
            "amount",
            format!(
                "a target reachable within {MAX_DAYS} days of working time in calendar {:?}",
                self.name
            ),
        ))
    }

    /// Business time between two moments (zero if `end` is not after `start`).
    pub fn business_time_between(
        &self,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<SignedDuration> {
        let mut total = SignedDuration::ZERO;
        if end <= start {
            return Ok(total);
        }
        let last = self.local_date(end);
        let mut date = self.local_date(start);
        let span_days = (end.as_second() - start.as_second()) / 86_400 + 2;
        for _ in 0..span_days.min(100 * 366) {
            for (s, e) in self.intervals(date) {
                let (from, to) = (s.max(start), e.min(end));
                if from < to {
                    total += to.duration_since(from);
                }
            }
            if date >= last {
                break;
            }
            date = date
                .tomorrow()
                .map_err(|err| Error::invalid_argument("end", err.to_string()))?;
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tr() -> Calendar {
        Calendar::turkey_2026_2027()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn example_calendar_has_the_official_holidays() {
        let c = tr();
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(c.holiday(d("2026-10-29")).unwrap().half_day_until, None);
        assert_eq!(
            c.holiday(d("2026-10-28")).unwrap().half_day_until,
            Some(Time::constant(13, 0, 0, 0))
        );
        assert!(c.holiday(d("2026-03-20")).is_some()); // Ramazan Bayramı
        assert!(c.holiday(d("2026-05-27")).is_some()); // Kurban Bayramı
        assert!(c.holiday(d("2027-01-01")).is_some());
        assert!(c.holiday(d("2026-11-23")).is_none());
    }

    #[test]
    fn due_times_skip_nights_weekends_and_holidays() {
        let c = tr();
        // Friday 2026-10-23 17:00 Istanbul (+03:00 = 14:00Z), 2 business hours:
        // 1 hour on Friday, then Monday 26th 09:00–10:00
        let due = c
            .add_business_time(ts("2026-10-23T14:00:00Z"), SignedDuration::from_hours(2))
            .unwrap();
        assert_eq!(due, ts("2026-10-26T07:00:00Z"));
        // 10 hours from Tuesday 27 October 09:00: 9 on Tuesday, then
        // Wednesday 09:00–10:00
        let due = c
            .add_business_time(ts("2026-10-27T06:00:00Z"), SignedDuration::from_hours(10))
            .unwrap();
        assert_eq!(due, ts("2026-10-28T07:00:00Z"));
        let due = c
            .add_business_time(ts("2026-10-28T06:00:00Z"), SignedDuration::from_hours(5))
            .unwrap();
        // Wednesday 28th is a half day (09–13, 4 h), Thursday 29th a
        // holiday, then Friday 09:00–10:00
        assert_eq!(due, ts("2026-10-30T07:00:00Z"));
    }

    #[test]
    fn zero_amount_waits_for_opening() {
        let c = tr();
        let due = c
            .add_business_time(ts("2026-11-21T10:00:00Z"), SignedDuration::ZERO)
            .unwrap(); // Saturday
        assert_eq!(due, ts("2026-11-23T06:00:00Z"));
    }

    #[test]
    fn bad_calendars_are_errors() {
        let err = Calendar::new(
            "x",
            "Mars/Olympus",
            WorkingHours::weekdays_nine_to_six(),
            vec![],
        )
        .unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"));
        assert!(Calendar::new("x", "UTC", WorkingHours::default(), vec![]).is_err());
        let err = Calendar::from_toml(
            "name = 'x'\ntime_zone = 'UTC'\n[working_hours]\nmon = ['18:00-09:00']",
        )
        .unwrap_err();
        assert!(err.to_string().contains("before the end"), "{err}");
        assert!(
            Calendar::from_toml(
                "name = 'x'\ntime_zone = 'UTC'\n[working_hours]\nmonday = ['09:00-18:00']"
            )
            .is_err()
        );
    }

    #[test]
    fn dst_changes_are_handled() {
        let hours = WorkingHours {
            sun: vec!["00:00-23:59".parse().unwrap()],
            ..WorkingHours::default()
        };
        let c = Calendar::new("berlin", "Europe/Berlin", hours, vec![]).unwrap();
        // 2026-03-29 has 23 local hours in Berlin: 23:59 of clock time minus the skipped hour
        let day = c
            .business_time_between(ts("2026-03-28T12:00:00Z"), ts("2026-03-30T12:00:00Z"))
            .unwrap();
        assert_eq!(day, SignedDuration::from_mins(22 * 60 + 59));
    }

    #[test]
    fn serializes_back_to_an_equal_calendar() {
        let c = tr();
        let json = serde_json::to_string(&c).unwrap();
        let back = Calendar::from_json(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    proptest! {
        #[test]
        fn adding_then_measuring_gives_the_amount_back(start in 1_767_225_600i64..1_830_297_600, minutes in 0i64..20_000) {
            let c = tr();
            let start = Timestamp::from_second(start).unwrap();
            let amount = SignedDuration::from_mins(minutes);
            let due = c.add_business_time(start, amount).unwrap();
            prop_assert!(due >= start);
            prop_assert_eq!(c.business_time_between(start, due).unwrap(), amount);
        }
    }
}
