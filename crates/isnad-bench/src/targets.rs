//! The targets `isnad bench` is held to (issue 18: a ledger of 1,000,000
//! entries on a 2-core machine), and whether a report meets them.
//!
//! Each target ([`Spec`]) names where its figure is in the JSON report (a
//! path of keys), so the same table reads a report just made and one saved
//! by an older version (a figure it lacks is `null`, and so is whether it
//! is met). [`evaluate`] gives, for every target in [`SPECS`] order, the
//! figure measured, the target and whether it is met, as the `targets`
//! object of `isnad bench --json` prints them:
//!
//! ```json
//! "targets": {"cli_append_ms": {"measured": 79.2, "target": 50.0,
//!   "compare": "<=", "unit": "ms", "met": false}, …}
//! ```
//!
//! A target is checked whatever the run's size: at a smaller ledger, a
//! target missed is missed by a wider margin at 1,000,000 entries, while one
//! met may still be missed there.

use serde::Serialize;
use serde::ser::SerializeMap as _;
use serde_json::Value;

/// The ledger size the targets are set for.
pub const AT_ENTRIES: u64 = 1_000_000;

/// Bytes in a MiB, the unit of the memory targets.
const MIB: f64 = 1024.0 * 1024.0;

/// Which side of its target a figure must be on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Compare {
    /// At most the target (a time, a size, a ratio of times).
    #[serde(rename = "<=")]
    AtMost,
    /// At least the target (a rate).
    #[serde(rename = ">=")]
    AtLeast,
}

impl Compare {
    /// Whether `measured` is on the right side of `target` (equal meets
    /// it). A NaN meets nothing.
    pub fn met(self, measured: f64, target: f64) -> bool {
        match self {
            Compare::AtMost => measured <= target,
            Compare::AtLeast => measured >= target,
        }
    }

    /// `≤` or `≥`.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::AtMost => "≤",
            Compare::AtLeast => "≥",
        }
    }
}

/// One target: what it measures and where the report has it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// Its key in the `targets` object.
    pub key: &'static str,
    /// What it is, for a table or a plot's panel.
    pub label: &'static str,
    /// The keys leading to the figure in the JSON report.
    pub path: &'static [&'static str],
    /// What the report's figure is multiplied by to be in [`Spec::unit`].
    pub scale: f64,
    /// The unit of the measured figure and of the target.
    pub unit: &'static str,
    /// Which side of the target the figure must be on.
    pub compare: Compare,
    /// The target, in [`Spec::unit`].
    pub target: f64,
}

/// Every target, in the order reports and plots show them.
pub const SPECS: [Spec; 11] = [
    Spec {
        key: "cli_append_ms",
        label: "open + durable append (isnad process)",
        path: &["cli_append_ms"],
        scale: 1.0,
        unit: "ms",
        compare: Compare::AtMost,
        target: 50.0,
    },
    Spec {
        key: "verify_per_s",
        label: "verify",
        path: &["verify_per_s"],
        scale: 1.0,
        unit: "entries/s",
        compare: Compare::AtLeast,
        target: 60_000.0,
    },
    Spec {
        key: "import_per_s",
        label: "import",
        path: &["import_per_s"],
        scale: 1.0,
        unit: "entries/s",
        compare: Compare::AtLeast,
        target: 25_000.0,
    },
    Spec {
        key: "replay_per_s",
        label: "replay from the store",
        path: &["replay_per_s"],
        scale: 1.0,
        unit: "entries/s",
        compare: Compare::AtLeast,
        target: 300_000.0,
    },
    Spec {
        key: "prove_us",
        label: "inclusion proof from the store",
        path: &["prove_us"],
        scale: 1.0,
        unit: "µs",
        compare: Compare::AtMost,
        target: 10.0,
    },
    Spec {
        key: "disk_bytes_per_entry",
        label: "disk per entry",
        path: &["disk_bytes_per_entry"],
        scale: 1.0,
        unit: "bytes",
        compare: Compare::AtMost,
        target: 1_600.0,
    },
    Spec {
        key: "verify_rss_mib",
        label: "peak RSS of isnad verify",
        path: &["verify_rss_bytes"],
        scale: 1.0 / MIB,
        unit: "MiB",
        compare: Compare::AtMost,
        target: 256.0,
    },
    Spec {
        key: "import_rss_mib",
        label: "peak RSS of isnad import",
        path: &["import_rss_bytes"],
        scale: 1.0 / MIB,
        unit: "MiB",
        compare: Compare::AtMost,
        target: 512.0,
    },
    Spec {
        key: "consistency_prove_us",
        label: "consistency proof from the store",
        path: &["consistency", "prove_us"],
        scale: 1.0,
        unit: "µs",
        compare: Compare::AtMost,
        target: 10.0,
    },
    Spec {
        key: "checkpoint_us",
        label: "checkpoint after an append",
        path: &["checkpoint_us"],
        scale: 1.0,
        unit: "µs",
        compare: Compare::AtMost,
        target: 1_000.0,
    },
    Spec {
        key: "append_p99_over_fsync_p99",
        label: "append p99 / fsync p99",
        path: &["ratios", "append"],
        scale: 1.0,
        unit: "ratio",
        compare: Compare::AtMost,
        target: 1.5,
    },
];

impl Spec {
    /// The figure in `report` (a JSON report of `isnad bench`), in
    /// [`Spec::unit`]; `None` where the report does not have it as a finite
    /// number.
    pub fn measured(&self, report: &Value) -> Option<f64> {
        let mut v = report;
        for key in self.path {
            v = v.get(key)?;
        }
        let x = v.as_f64()? * self.scale;
        x.is_finite().then_some(x)
    }

    /// This target against `report`.
    pub fn evaluate(&self, report: &Value) -> Target {
        Target::new(self.measured(report), self)
    }
}

/// A target against one report.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Target {
    /// The figure measured, in `unit`; `None` when the run did not measure
    /// it (no `isnad` executable, no `/proc`, an older report).
    pub measured: Option<f64>,
    /// The target, in `unit`.
    pub target: f64,
    /// Which side of the target the figure must be on.
    pub compare: Compare,
    /// The unit of both.
    pub unit: &'static str,
    /// Whether the figure meets the target; `None` when not measured.
    pub met: Option<bool>,
}

impl Target {
    /// `measured` against `spec`'s target.
    pub fn new(measured: Option<f64>, spec: &Spec) -> Target {
        Target {
            measured,
            target: spec.target,
            compare: spec.compare,
            unit: spec.unit,
            met: measured.map(|m| spec.compare.met(m, spec.target)),
        }
    }
}

/// Every target against one report, in [`SPECS`] order; serialises to a
/// JSON object keyed by [`Spec::key`], in that order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets(pub Vec<(Spec, Target)>);

impl Targets {
    /// How many are met, and how many were measured.
    pub fn met(&self) -> (usize, usize) {
        let measured = self.0.iter().filter(|(_, t)| t.met.is_some()).count();
        let met = self.0.iter().filter(|(_, t)| t.met == Some(true)).count();
        (met, measured)
    }
}

impl Serialize for Targets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (spec, target) in &self.0 {
            map.serialize_entry(spec.key, target)?;
        }
        map.end()
    }
}

/// Every target of [`SPECS`] against `report`, the JSON of a report.
pub fn evaluate(report: &Value) -> Targets {
    Targets(SPECS.iter().map(|s| (*s, s.evaluate(report))).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use serde_json::json;

    fn spec(key: &str) -> &'static Spec {
        SPECS.iter().find(|s| s.key == key).unwrap()
    }

    #[test]
    fn keys_are_distinct_and_targets_positive() {
        let mut keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SPECS.len());
        assert!(SPECS.iter().all(|s| s.target > 0.0 && s.scale > 0.0));
    }

    #[test]
    fn at_most_and_at_least_meet_on_the_right_side_and_at_equality() {
        assert!(Compare::AtMost.met(50.0, 50.0));
        assert!(Compare::AtMost.met(49.9, 50.0));
        assert!(!Compare::AtMost.met(50.1, 50.0));
        assert!(Compare::AtLeast.met(60_000.0, 60_000.0));
        assert!(!Compare::AtLeast.met(59_999.0, 60_000.0));
        assert!(!Compare::AtMost.met(f64::NAN, 1.0));
        assert!(!Compare::AtLeast.met(f64::NAN, 1.0));
    }

    #[test]
    fn figures_are_read_by_path_and_scaled() {
        let r = json!({
            "cli_append_ms": 79.5,
            "verify_per_s": 70_000.0,
            "import_per_s": 8_000.0,
            "verify_rss_bytes": 300u64 * 1024 * 1024,
            "import_rss_bytes": null,
            "consistency": {"prove_us": 9.0},
            "ratios": {"append": 1.5},
        });
        let t = evaluate(&r);
        let get = |key: &str| t.0.iter().find(|(s, _)| s.key == key).unwrap().1;
        assert_eq!(get("cli_append_ms").met, Some(false));
        assert_eq!(get("verify_per_s").met, Some(true));
        assert_eq!(get("import_per_s").met, Some(false));
        let rss = get("verify_rss_mib");
        assert_eq!(
            (rss.measured, rss.target, rss.met),
            (Some(300.0), 256.0, Some(false))
        );
        assert_eq!(get("consistency_prove_us").met, Some(true));
        // Equal to its target: met.
        assert_eq!(get("append_p99_over_fsync_p99").met, Some(true));
        // Null or absent: neither measured nor met nor missed.
        for key in ["import_rss_mib", "replay_per_s", "checkpoint_us"] {
            assert_eq!((get(key).measured, get(key).met), (None, None), "{key}");
        }
        assert_eq!(t.met(), (3, 6));
        // A string where a number should be is not a figure.
        assert_eq!(spec("prove_us").measured(&json!({"prove_us": "3"})), None);
    }

    #[test]
    fn targets_serialise_in_order_with_their_fields() {
        let t = evaluate(&json!({"cli_append_ms": 12.0}));
        let text = serde_json::to_string(&t).unwrap();
        assert!(
            text.starts_with(
                r#"{"cli_append_ms":{"measured":12.0,"target":50.0,"compare":"<=","unit":"ms","met":true},"verify_per_s":{"measured":null,"target":60000.0,"compare":">=","unit":"entries/s","met":null}"#
            ),
            "{text}"
        );
        let keys: Vec<usize> = SPECS
            .iter()
            .map(|s| text.find(&format!("\"{}\":", s.key)).unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}
