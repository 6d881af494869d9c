//! Calendar dates as the sources write them (`YYYY-MM-DD`), checked as real dates
//! (`2026-13-45` is not one).

use std::fmt;

/// A valid calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct IsoDate(jiff::civil::Date);

impl IsoDate {
    /// `s` as a date, if it is written `YYYY-MM-DD` and exists in the calendar.
    pub fn parse(s: &str) -> Option<IsoDate> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shaped {
            return None;
        }
        let year: i16 = s[0..4].parse().ok()?;
        let month: i8 = s[5..7].parse().ok()?;
        let day: i8 = s[8..10].parse().ok()?;
        jiff::civil::Date::new(year, month, day).ok().map(IsoDate)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: IsoDate) -> i64 {
        self.0
            .until(later.0)
            .map_or(0, |span| i64::from(span.get_days()))
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::IsoDate;

    #[test]
    fn only_real_dates() {
        assert!(IsoDate::parse("2026-11-22").is_some());
        assert!(IsoDate::parse("2024-02-29").is_some());
        for bad in [
            "2026-13-45",
            "2025-02-29",
            "2026-04-31",
            "2026-00-10",
            "1 Nov 2026",
            "2026-1-05",
            "+026-01-05",
            "",
        ] {
            assert!(IsoDate::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn day_differences() {
        let d = |s| IsoDate::parse(s).unwrap();
        assert_eq!(d("2025-06-30").days_until(d("2025-07-01")), 1);
        assert_eq!(d("2024-01-01").days_until(d("2025-01-01")), 366);
        assert_eq!(d("2025-07-01").days_until(d("2025-06-30")), -1);
        assert_eq!(d("2026-11-22").to_string(), "2026-11-22");
    }
}
