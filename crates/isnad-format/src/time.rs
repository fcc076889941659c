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
        let bad = || Error::field("time", format!("`{s}` is not YYYY-MM-DDTHH:MM:SSZ (UTC)"));
        if s.len() != 20 || !s.ends_with('Z') {
            return Err(bad());
        }
        let t = DateTime::parse_from_rfc3339(s).map_err(|_| bad())?;
        let ts = Timestamp(t.timestamp());
        if ts.to_string() != s {
            return Err(bad());
        }
        Ok(ts)
    }
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
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
