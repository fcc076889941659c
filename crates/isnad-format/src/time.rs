//! Entry times: RFC 3339 UTC with whole seconds, `YYYY-MM-DDTHH:MM:SSZ`.

use std::fmt;

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

use crate::error::Error;

/// A UTC instant with one-second resolution and exactly one text form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Timestamp(i64);

/// Serialises as its one text form.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Timestamp {
    /// From seconds since the Unix epoch.
    pub fn from_unix(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// From a chrono time, dropping sub-second digits.
    pub fn from_datetime(t: DateTime<Utc>) -> Self {
        Timestamp(t.timestamp())
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0
    }

    /// Parses the one accepted form, `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// # Errors
    /// [`Error::Field`] on `time` for any other form.
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.len() {
            20 => read(s.as_bytes()),
            _ => None,
        }
        .ok_or_else(|| Error::field("time", format!("`{s}` is not YYYY-MM-DDTHH:MM:SSZ (UTC)")))
    }

    /// Parses a publication date: `YYYY-MM-DD` (midnight UTC) or a time
    /// in the one accepted form.
    ///
    /// # Errors
    /// [`Error::Field`] on `date` for any other form.
    pub fn parse_date_or_time(s: &str) -> Result<Self, Error> {
        match s.len() {
            10 | 20 => read(s.as_bytes()),
            _ => None,
        }
        .ok_or_else(|| {
            Error::field(
                "date",
                format!("`{s}` is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"),
            )
        })
    }
}

/// Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` exactly: ASCII digits in
/// every digit place, a real date of the proleptic Gregorian calendar
/// (year 0000 is a leap year), hours 00-23, minutes and seconds 00-59 (no
/// leap second). Read directly rather than through chrono: every entry has
/// a time and every claim a date, and a general parser that formats its
/// result again to check it costs more than reading them.
fn read(b: &[u8]) -> Option<Timestamp> {
    let num = |at: usize, len: usize| -> Option<i64> {
        b.get(at..at + len)?.iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in[(m - 1) as usize] {
        return None;
    }
    let secs = match b.len() {
        10 => 0,
        20 if b[10] == b'T' && b[13] == b':' && b[16] == b':' && b[19] == b'Z' => {
            let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
            if h > 23 || mi > 59 || sec > 59 {
                return None;
            }
            h * 3600 + mi * 60 + sec
        }
        _ => return None,
    };
    // Days from 1970-01-01, counted in 400-year eras that start on 1 March
    // (so a leap day ends its year).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(Timestamp((era * 146_097 + doe - 719_468) * 86_400 + secs))
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Utc.timestamp_opt(self.0, 0).single() {
            Some(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            None => write!(f, "@{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_form_only() {
        let t = Timestamp::parse("2025-02-18T09:30:00Z").unwrap();
        assert_eq!(t.to_string(), "2025-02-18T09:30:00Z");
        for bad in [
            "2025-02-18T09:30:00+00:00",
            "2025-02-18T09:30:00.5Z",
            "2025-02-18 09:30:00Z",
            "2025-02-30T09:30:00Z",
            "2025-02-18t09:30:00z",
            "2025-02-18T24:00:00Z",
            "2016-12-31T23:59:60Z",
            "2025-02-18",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    // The direct reader gives chrono's instant for every kind of date, the
    // calendar's ends and leap days included, and a date is midnight.
    #[test]
    fn the_reader_agrees_with_chrono() {
        for t in [
            "1970-01-01T00:00:00Z",
            "2025-02-18T08:00:00Z",
            "2024-02-29T23:59:59Z",
            "2000-02-29T12:00:00Z",
            "1900-03-01T00:00:00Z",
            "0000-02-29T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1969-12-31T23:59:59Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(t).unwrap().timestamp();
            assert_eq!(Timestamp::parse(t).unwrap().unix(), chrono, "{t}");
            assert_eq!(Timestamp::parse(t).unwrap().to_string(), t);
            let midnight = format!("{}T00:00:00Z", &t[..10]);
            assert_eq!(
                Timestamp::parse_date_or_time(&t[..10]).unwrap(),
                Timestamp::parse(&midnight).unwrap(),
                "{t}"
            );
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-01-32",
            "2025-1-01",
            "+025-01-01",
            "2025-01-01T00:00:00",
            "20250101",
        ] {
            assert!(Timestamp::parse_date_or_time(bad).is_err(), "{bad}");
        }
    }

    // Every instant of years 0000-9999 reads back from its text form.
    proptest::proptest! {
        #[test]
        fn text_form_round_trips(secs in -62_167_219_200i64..253_402_300_800i64) {
            let t = Timestamp::from_unix(secs);
            proptest::prop_assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
        }
    }
}
