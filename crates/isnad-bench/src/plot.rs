//! `isnad bench plot`: several JSON reports of `isnad bench --json` (runs
//! at different ledger sizes) drawn as one self-contained SVG of how each
//! cost grows with the ledger.
//!
//! One small panel per target of [`crate::targets::SPECS`], in that order:
//! the ledger's entries on a log-scale x axis (a tick per power of ten),
//! the figure on a linear y axis from zero, one dot per report that has the
//! figure (green where it meets the target, red where it misses it) joined
//! in order of size, and the target as a dashed line. The SVG is written by
//! hand: numbers and this module's own labels are its only text.

use std::fmt::Write as _;

use serde_json::Value;

use crate::targets::{self, SPECS, Spec};

/// Width and height of one panel.
const PANEL_W: f64 = 300.0;
const PANEL_H: f64 = 190.0;
/// Panels per row.
const COLUMNS: usize = 4;
/// The plotting area's margins inside a panel.
const LEFT: f64 = 54.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 38.0;
const BOTTOM: f64 = 28.0;
/// Space above the panels for the title and the key.
const HEADER: f64 = 52.0;
/// Space between panels.
const GAP: f64 = 10.0;

/// The colours: the series, a dot that meets its target, one that misses
/// it, the target line.
const SERIES: &str = "#1f4e8c";
const MET: &str = "#1a7f37";
const MISSED: &str = "#c62828";
const TARGET: &str = "#c62828";

/// `text` as a report of `isnad bench --json`: a JSON object with a
/// positive integer `entries`.
///
/// # Errors
/// A one-line reason: not JSON, or not such an object.
pub fn parse_report(text: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match v.get("entries").and_then(Value::as_u64) {
        Some(n) if n > 0 && v.is_object() => Ok(v),
        _ => Err("not a report of `isnad bench --json` (no positive \"entries\")".into()),
    }
}

/// The SVG document for `reports` (each as [`parse_report`] accepts it;
/// one without `entries` is left out), ending in a newline.
pub fn svg(reports: &[Value]) -> String {
    let sized: Vec<(u64, &Value)> = reports
        .iter()
        .filter_map(|r| Some((r.get("entries")?.as_u64().filter(|&n| n > 0)?, r)))
        .collect();
    let axis = LogAxis::over(sized.iter().map(|&(n, _)| n));
    let rows = SPECS.len().div_ceil(COLUMNS);
    let width = COLUMNS as f64 * (PANEL_W + GAP) + GAP;
    let height = HEADER + rows as f64 * (PANEL_H + GAP) + GAP;
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        out,
        "<title>isnad bench: each cost against the ledger's size</title>"
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{GAP}" y="22" font-size="16" font-weight="bold">isnad bench: each cost against the ledger's size ({} report{})</text>"#,
        sized.len(),
        if sized.len() == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        out,
        r##"<text x="{GAP}" y="40" fill="#444444">x: ledger entries, log scale. Dots: one report each (green: meets the target, red: misses it). Dashed: the target, set for {} entries.</text>"##,
        thousands(targets::AT_ENTRIES)
    );
    for (i, spec) in SPECS.iter().enumerate() {
        let x = GAP + (i % COLUMNS) as f64 * (PANEL_W + GAP);
        let y = HEADER + (i / COLUMNS) as f64 * (PANEL_H + GAP);
        let mut points: Vec<(u64, f64)> = sized
            .iter()
            .filter_map(|&(n, r)| Some((n, spec.measured(r)?)))
            .collect();
        points.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        panel(&mut out, spec, &points, &axis, x, y);
    }
    out.push_str("</svg>\n");
    out
}

/// One panel, its top left corner at (`x`, `y`).
fn panel(out: &mut String, spec: &Spec, points: &[(u64, f64)], axis: &LogAxis, x: f64, y: f64) {
    let _ = writeln!(
        out,
        r#"<g class="panel" id="panel-{}" transform="translate({x:.1},{y:.1})">"#,
        spec.key
    );
    let _ = writeln!(
        out,
        r##"<rect width="{PANEL_W}" height="{PANEL_H}" fill="#fafafa" stroke="#cccccc"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="8" y="16" font-size="12" font-weight="bold">{}</text>"#,
        spec.label
    );
    let _ = writeln!(
        out,
        r##"<text x="8" y="30" fill="#444444">{}, target {} {}</text>"##,
        spec.unit,
        spec.compare.symbol(),
        number(spec.target)
    );
    let (x0, x1) = (LEFT, PANEL_W - RIGHT);
    let (y0, y1) = (PANEL_H - BOTTOM, TOP);
    let top = points
        .iter()
        .map(|p| p.1)
        .fold(spec.target, f64::max)
        .max(f64::MIN_POSITIVE);
    let (step, y_max) = nice_ticks(top * 1.1);
    let px = |n: u64| x0 + axis.fraction(n) * (x1 - x0);
    let py = |v: f64| y0 - v / y_max * (y0 - y1);

    // The y grid and its labels, then the x ticks.
    let mut k = 0.0;
    while k <= y_max * (1.0 + 1e-9) {
        let yy = py(k);
        let _ = writeln!(
            out,
            r##"<line x1="{x0}" y1="{yy:.1}" x2="{x1}" y2="{yy:.1}" stroke="#e2e2e2"/><text x="{:.0}" y="{:.1}" text-anchor="end" fill="#444444">{}</text>"##,
            x0 - 4.0,
            yy + 4.0,
            number(k)
        );
        k += step;
    }
    for decade in axis.decades() {
        let xx = px(decade);
        let _ = writeln!(
            out,
            r##"<line x1="{xx:.1}" y1="{y0}" x2="{xx:.1}" y2="{:.0}" stroke="#444444"/><text x="{xx:.1}" y="{:.0}" text-anchor="middle" fill="#444444">{}</text>"##,
            y0 + 4.0,
            y0 + 16.0,
            decade_label(decade)
        );
    }
    let _ = writeln!(
        out,
        r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444444"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444444"/>"##
    );

    let ty = py(spec.target);
    let _ = writeln!(
        out,
        r#"<line class="target" x1="{x0}" y1="{ty:.1}" x2="{x1}" y2="{ty:.1}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>"#
    );

    if points.is_empty() {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#777777">not measured</text>"##,
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0
        );
    } else {
        let line: Vec<String> = points
            .iter()
            .map(|&(n, v)| format!("{:.1},{:.1}", px(n), py(v)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline class="series" points="{}" fill="none" stroke="{SERIES}" stroke-width="2"/>"#,
            line.join(" ")
        );
        for &(n, v) in points {
            let met = spec.compare.met(v, spec.target);
            let _ = writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"><title>{} entries: {} {} ({})</title></circle>"#,
                px(n),
                py(v),
                if met { MET } else { MISSED },
                thousands(n),
                number(v),
                spec.unit,
                if met {
                    "meets the target"
                } else {
                    "misses the target"
                }
            );
        }
    }
    out.push_str("</g>\n");
}

/// A log-scale axis of ledger sizes: at least one decade wide, with a
/// little room on both sides.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    /// log10 of the left end.
    lo: f64,
    /// log10 of the right end.
    hi: f64,
}

impl LogAxis {
    /// The axis over `sizes` (each at least 1); 1,000 to 1,000,000 when
    /// there are none.
    pub fn over(sizes: impl Iterator<Item = u64>) -> LogAxis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for n in sizes {
            let l = (n.max(1) as f64).log10();
            lo = lo.min(l);
            hi = hi.max(l);
        }
        if lo > hi {
            (lo, hi) = (3.0, 6.0);
        }
        if hi - lo < 1.0 {
            let mid = (lo + hi) / 2.0;
            (lo, hi) = (mid - 0.5, mid + 0.5);
        }
        LogAxis {
            lo: lo - 0.15,
            hi: hi + 0.15,
        }
    }

    /// Where `n` lies along the axis, 0 at its left end and 1 at its right.
    pub fn fraction(&self, n: u64) -> f64 {
        ((n.max(1) as f64).log10() - self.lo) / (self.hi - self.lo)
    }

    /// The powers of ten on the axis, in order.
    pub fn decades(&self) -> Vec<u64> {
        let first = self.lo.ceil().max(0.0) as u32;
        let last = self.hi.floor().min(19.0) as u32;
        (first..=last).map(|e| 10u64.pow(e)).collect()
    }
}

/// A step of 1, 2 or 5 times a power of ten giving about four intervals
/// up to `top` (positive), and the multiple of it at or above `top`.
pub fn nice_ticks(top: f64) -> (f64, f64) {
    let rough = top / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * magnitude);
    (step, (top / step).ceil() * step)
}

/// `x` short: `1M`, `250k`, `12.5`, `0.25`.
pub fn number(x: f64) -> String {
    let (v, suffix) = if x.abs() >= 1e6 {
        (x / 1e6, "M")
    } else if x.abs() >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let digits = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let mut s = format!("{v:.digits$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    if s == "-0" {
        s = "0".into();
    }
    s + suffix
}

/// A power of ten as the x axis labels it: `100`, `1k`, `10k`, `1M`.
fn decade_label(n: u64) -> String {
    match n {
        1_000_000_000.. => format!("{}G", n / 1_000_000_000),
        1_000_000.. => format!("{}M", n / 1_000_000),
        1_000.. => format!("{}k", n / 1_000),
        _ => n.to_string(),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use serde_json::json;

    /// A report at `entries` whose figures grow with it, as a full run's
    /// do; without the fields older reports lack when `old`.
    fn report(entries: u64, old: bool) -> Value {
        let k = entries as f64 / 10_000.0;
        let mut r = json!({
            "entries": entries,
            "import_per_s": 9_000.0 / k.sqrt(),
            "append_p50_us": 600.0,
            "append_p99_us": 7_000.0,
            "cli_append_ms": 20.0 * k,
            "verify_per_s": 40_000.0,
            "replay_per_s": 150_000.0,
            "prove_us": 30.0,
            "verify_proof_us": 2.0,
            "checkpoint_us": 250.0,
            "peak_rss_bytes": 600_000_000u64,
            "verify_rss_bytes": 200_000_000u64,
            "disk_bytes_per_entry": 2_800.0,
            "ratios": {"verify": 0.2, "import": 0.1},
            "consistency": {"prove_us": 17.0, "verify_us": 2.7},
        });
        if !old {
            r["import_rss_bytes"] = json!(300_000_000u64);
            r["ratios"]["append"] = json!(1.2);
        }
        r
    }

    /// Checks that every element opened is closed in order, and returns
    /// the names of the elements in document order.
    fn well_formed(svg: &str) -> Vec<String> {
        let mut open: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg;
        while let Some(at) = rest.find('<') {
            let end = rest[at..].find('>').unwrap() + at;
            let tag = &rest[at + 1..end];
            rest = &rest[end + 1..];
            assert!(!tag.contains('<'), "< inside a tag: {tag}");
            if tag.starts_with('?') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop().as_deref(), Some(name), "closing {name}");
                continue;
            }
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            names.push(name.to_owned());
            // Attribute values are quoted: an even number of quotes.
            assert_eq!(tag.matches('"').count() % 2, 0, "quotes in {tag}");
            if !tag.ends_with('/') {
                open.push(name.to_owned());
            }
        }
        assert!(open.is_empty(), "left open: {open:?}");
        assert!(!rest.contains('>'), "stray > in {rest}");
        names
    }

    /// The text of panel `key`.
    fn panel_of<'a>(svg: &'a str, key: &str) -> &'a str {
        let start = svg.find(&format!(r#"id="panel-{key}""#)).unwrap();
        let end = svg[start..].find("</g>").unwrap() + start;
        &svg[start..end]
    }

    #[test]
    fn three_sizes_give_a_well_formed_svg_with_every_panel() {
        let reports: Vec<Value> = [1_000_000, 10_000, 100_000]
            .into_iter()
            .map(|n| report(n, false))
            .collect();
        let svg = svg(&reports);
        assert!(svg.starts_with("<?xml"), "{svg}");
        assert!(svg.ends_with("</svg>\n"));
        let names = well_formed(&svg);
        assert_eq!(names[0], "svg");
        assert_eq!(
            names.iter().filter(|n| *n == "g").count(),
            SPECS.len(),
            "one panel per target"
        );
        for spec in &SPECS {
            let p = panel_of(&svg, spec.key);
            assert!(p.contains(spec.label), "{}", spec.key);
            assert_eq!(p.matches("stroke-dasharray").count(), 1, "{}", spec.key);
            assert_eq!(p.matches("<circle").count(), 3, "{}", spec.key);
            // The decades of the axis, labelled.
            for tick in [">10k<", ">100k<", ">1M<"] {
                assert!(p.contains(tick), "{tick} in {}", spec.key);
            }
        }
        // The open+append time grows 20 ms to 2 s and misses its 50 ms
        // target at 100,000 and 1,000,000, meets it at 10,000.
        let p = panel_of(&svg, "cli_append_ms");
        assert_eq!(p.matches(MET).count(), 1, "{p}");
        assert_eq!(
            p.matches(MISSED).count(),
            2 + 1,
            "two dots and the target: {p}"
        );
        assert!(p.contains("<title>10,000 entries: 20 ms (meets the target)</title>"));
        assert!(p.contains("<title>1,000,000 entries: 2000 ms (misses the target)</title>"));
        // The series goes left to right, in order of size.
        let points = p.split(r#"points=""#).nth(1).unwrap();
        let xs: Vec<f64> = points
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|xy| xy.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(xs.len(), 3);
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        // Log scale: 100,000 lies halfway between 10,000 and 1,000,000.
        assert!((xs[1] - (xs[0] + xs[2]) / 2.0).abs() < 0.2, "{xs:?}");
    }

    #[test]
    fn an_older_report_leaves_its_missing_figures_out() {
        let svg = svg(&[report(10_000, true)]);
        well_formed(&svg);
        assert!(svg.contains("(1 report)"));
        for key in ["import_rss_mib", "append_p99_over_fsync_p99"] {
            let p = panel_of(&svg, key);
            assert!(p.contains("not measured"), "{key}");
            assert!(!p.contains("<circle"), "{key}");
            assert!(p.contains("stroke-dasharray"), "the target still: {key}");
        }
        let p = panel_of(&svg, "verify_per_s");
        assert_eq!(p.matches("<circle").count(), 1);
        // One size alone still gets a decade of axis around it.
        assert!(p.contains(">10k<"), "{p}");
    }

    #[test]
    fn reports_are_json_objects_with_positive_entries() {
        assert!(parse_report(&report(10, true).to_string()).is_ok());
        for (text, reason) in [
            ("", "not JSON"),
            ("{\"entries\": 10", "not JSON"),
            ("[1, 2]", "no positive"),
            ("{\"entries\": 0}", "no positive"),
            ("{\"entries\": \"10\"}", "no positive"),
            ("{\"verify_per_s\": 5}", "no positive"),
        ] {
            let e = parse_report(text).unwrap_err();
            assert!(e.contains(reason), "{text:?}: {e}");
            assert!(!e.contains('\n'), "one line: {e:?}");
        }
    }

    #[test]
    fn axis_and_ticks() {
        let a = LogAxis::over([10_000, 1_000_000].into_iter());
        assert_eq!(a.decades(), [10_000, 100_000, 1_000_000]);
        assert!((a.fraction(100_000) - 0.5).abs() < 1e-12);
        assert!(a.fraction(10_000) > 0.0 && a.fraction(1_000_000) < 1.0);
        let one = LogAxis::over([5_000].into_iter());
        assert_eq!(one.decades(), [10_000]);
        assert!((one.fraction(5_000) - 0.5).abs() < 1e-12);
        assert_eq!(LogAxis::over(std::iter::empty()).decades().len(), 4);

        assert_eq!(nice_ticks(55.0), (20.0, 60.0));
        assert_eq!(nice_ticks(1.65), (0.5, 2.0));
        assert_eq!(nice_ticks(330_000.0), (100_000.0, 400_000.0));
        assert_eq!(nice_ticks(4.0), (1.0, 4.0));

        assert_eq!(number(1_000_000.0), "1M");
        assert_eq!(number(250_000.0), "250k");
        assert_eq!(number(60_000.0), "60k");
        assert_eq!(number(1_600.0), "1600");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(thousands(1_000_000), "1,000,000");
        let labels: Vec<String> = [1, 100, 1_000, 10_000, 1_000_000, 10_000_000_000]
            .into_iter()
            .map(decade_label)
            .collect();
        assert_eq!(labels, ["1", "100", "1k", "10k", "1M", "10G"]);
    }
}
