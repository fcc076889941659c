//! Reading schema.org JSON-LD as it is published, not as it should be.
//!
//! This is not a JSON-LD processor: published ClaimReview markup is read
//! by property name, which is what every consumer of it does. What real
//! markup needs is handled here: properties spelt `name`, `schema:name` or
//! `http(s)://schema.org/name`; values wrapped in arrays or `{"@value"}`
//! objects; nodes given as `{"@id": …}` references to a node elsewhere in
//! the document (in an `@graph`, say); text with HTML entities and stray
//! white space; URLs relative to the page they came from.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// The prefixes a schema.org property may be written with.
const PREFIXES: [&str; 4] = ["", "schema:", "http://schema.org/", "https://schema.org/"];

/// A JSON object: a node.
pub(crate) type Node = Map<String, Value>;

/// A document's nodes by `@id`, to resolve references.
pub(crate) struct Graph<'a> {
    by_id: HashMap<&'a str, &'a Node>,
}

impl<'a> Graph<'a> {
    /// Indexes every node of `root` that has an `@id` and says something
    /// more than its id (a bare `{"@id"}` is a reference, not a node).
    pub(crate) fn new(root: &'a Value) -> Graph<'a> {
        let mut by_id = HashMap::new();
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(o) => {
                    if let Some(Value::String(id)) = o.get("@id") {
                        if o.len() > 1 {
                            by_id.entry(id.as_str()).or_insert(o);
                        }
                    }
                    stack.extend(o.values());
                }
                Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
        Graph { by_id }
    }

    /// Property `name` of `node`: the first value, looking through arrays.
    pub(crate) fn prop(&self, node: &'a Node, name: &str) -> Option<&'a Value> {
        PREFIXES
            .iter()
            .find_map(|p| node.get(&format!("{p}{name}")))
            .and_then(first)
    }

    /// Every value of property `name` (an array's elements, or the one value).
    pub(crate) fn all(&self, node: &'a Node, name: &str) -> Vec<&'a Value> {
        match PREFIXES
            .iter()
            .find_map(|p| node.get(&format!("{p}{name}")))
        {
            Some(Value::Array(a)) => a.iter().filter(|v| !v.is_null()).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(v) => vec![v],
        }
    }

    /// The node a value stands for: an object (resolved when it is a bare
    /// reference to a node of the document), or a string that is the
    /// `@id` of one.
    pub(crate) fn node(&self, v: &'a Value) -> Option<&'a Node> {
        match v {
            Value::Object(o) => match o.get("@id") {
                Some(Value::String(id)) if o.len() == 1 => self.by_id.get(id.as_str()).copied(),
                _ => Some(o),
            },
            Value::String(id) => self.by_id.get(id.as_str()).copied(),
            _ => None,
        }
    }

    /// Property `name` of `node` as a node.
    pub(crate) fn node_prop(&self, node: &'a Node, name: &str) -> Option<&'a Node> {
        self.prop(node, name).and_then(|v| self.node(v))
    }

    /// True when a bare reference in `v` names no node of the document.
    pub(crate) fn dangling(&self, v: &Value) -> Option<String> {
        let id = match v {
            Value::Object(o) if o.len() == 1 => o.get("@id")?.as_str()?,
            _ => return None,
        };
        (!self.by_id.contains_key(id)).then(|| id.to_owned())
    }
}

/// The first non-null element of an array, or the value itself.
pub(crate) fn first(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(a) => a.iter().find(|e| !e.is_null()),
        Value::Null => None,
        v => Some(v),
    }
}

/// A value as text: a string, a number, or an `{"@value"}` object's value;
/// cleaned ([`clean`]). `None` when empty after cleaning.
pub(crate) fn text(v: &Value) -> Option<String> {
    let raw = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => return o.get("@value").and_then(first).and_then(text),
        Value::Array(_) => return first(v).and_then(text),
        _ => return None,
    };
    let t = clean(&raw);
    (!t.is_empty()).then_some(t)
}

/// A value as a number: a JSON number, or a string that is one.
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("@value").and_then(first).and_then(number),
        _ => None,
    }
}

/// The node's types without their schema.org prefix (`ClaimReview`).
pub(crate) fn types(node: &Node) -> Vec<&str> {
    let raw: Vec<&Value> = match node.get("@type").or_else(|| node.get("type")) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    raw.into_iter()
        .filter_map(Value::as_str)
        .map(|t| {
            PREFIXES[1..]
                .iter()
                .find_map(|p| t.strip_prefix(p))
                .unwrap_or(t)
        })
        .collect()
}

/// Text as it should be stored: HTML entities decoded (markup is often
/// copied out of HTML twice), runs of white space made one space, trimmed,
/// NFC.
pub(crate) fn clean(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    crate::canon::nfc(&out)
}

/// Why a URL could not be made absolute.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// Relative, and no base to resolve it against.
    Relative,
    /// Not a URL, or not http(s).
    Invalid,
}

/// `raw` as an absolute http(s) URL, resolved against `base` when it is
/// relative (`/fact-check/123`, `//example.org/x`, `x.html`).
pub(crate) fn absolute_url(raw: &str, base: Option<&url::Url>) -> Result<String, UrlProblem> {
    let raw = clean(raw);
    let parsed = match url::Url::parse(&raw) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(b) => b.join(&raw).map_err(|_| UrlProblem::Invalid)?,
            None => return Err(UrlProblem::Relative),
        },
        Err(_) => return Err(UrlProblem::Invalid),
    };
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed.to_string()),
        _ => Err(UrlProblem::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_under_any_prefix_and_references_resolve() {
        let doc = json!({"@graph": [
            {"@type": "schema:ClaimReview", "schema:author": {"@id": "#org"},
             "http://schema.org/name": ["  A&amp;B  ", "second"]},
            {"@id": "#org", "@type": "Organization", "name": {"@value": "Full&nbsp;Fact"}}
        ]});
        let g = Graph::new(&doc);
        let review = doc["@graph"][0].as_object().unwrap();
        assert_eq!(types(review), ["ClaimReview"]);
        assert_eq!(text(g.prop(review, "name").unwrap()).unwrap(), "A&B");
        let org = g.node_prop(review, "author").unwrap();
        assert_eq!(text(g.prop(org, "name").unwrap()).unwrap(), "Full Fact");
        assert_eq!(g.all(review, "name").len(), 2);
        assert_eq!(
            g.dangling(&json!({"@id": "#nobody"})).as_deref(),
            Some("#nobody")
        );
        assert_eq!(g.dangling(&json!({"@id": "#org"})), None);
    }

    #[test]
    fn text_is_cleaned() {
        assert_eq!(
            clean("\n  It&#39;s   &quot;fine&quot;\t&rsquo;\u{a0} "),
            "It's \"fine\" \u{2019}"
        );
        assert_eq!(clean("e\u{301}"), "\u{e9}");
        assert_eq!(text(&json!("   ")), None);
        assert_eq!(text(&json!(4)).unwrap(), "4");
        assert_eq!(number(&json!("4.5")), Some(4.5));
        assert_eq!(number(&json!({"@value": 2})), Some(2.0));
    }

    #[test]
    fn urls_resolve_against_the_page() {
        let base = url::Url::parse("https://factcheck.example/reviews/2025/x.html").unwrap();
        let b = Some(&base);
        assert_eq!(
            absolute_url("/fact-check/1", b).unwrap(),
            "https://factcheck.example/fact-check/1"
        );
        assert_eq!(
            absolute_url("y.html", b).unwrap(),
            "https://factcheck.example/reviews/2025/y.html"
        );
        assert_eq!(
            absolute_url("//cdn.example/z", b).unwrap(),
            "https://cdn.example/z"
        );
        assert_eq!(absolute_url("/x", None), Err(UrlProblem::Relative));
        assert_eq!(absolute_url("mailto:a@b.c", b), Err(UrlProblem::Invalid));
        assert_eq!(absolute_url("https://", None), Err(UrlProblem::Invalid));
    }
}
