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
/// copied out of HTML twice), HTML tags removed ([`strip_tags`]), runs of
/// white space made one space, trimmed, NFC.
pub(crate) fn clean(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let decoded = strip_tags(&decoded);
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

/// `text` without HTML tags: a `<` followed by a letter, `/` or `!` up to
/// the next `>` is a tag and becomes a space; a tag cut off by the end of
/// the text (a truncated `<a href="…`) is dropped with the rest. Any other
/// `<` ("x < y") stays.
pub(crate) fn strip_tags(text: &str) -> std::borrow::Cow<'_, str> {
    let is_tag_start = |rest: &str| {
        rest.chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    };
    if !text.contains('<') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if !is_tag_start(tail) {
            out.push('<');
            rest = &tail[1..];
            continue;
        }
        match tail.find('>') {
            Some(end) => {
                out.push(' ');
                rest = &tail[end + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A language tag as BCP-47 spells it: `en_US` and `EN-us` become `en-US`
/// (language lower case, a two-letter region upper case).
pub(crate) fn lang_tag(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, part) in raw.trim().split(['_', '-']).enumerate() {
        if i > 0 {
            out.push('-');
        }
        if i == 0 {
            out.push_str(&part.to_ascii_lowercase());
        } else if part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()) {
            out.push_str(&part.to_ascii_uppercase());
        } else {
            out.push_str(part);
        }
    }
    out
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
/// relative (`/fact-check/123`, `//example.org/x`, `x.html`). A bare host
/// (`example.org/path`: a first segment with a dot, no scheme) is taken as
/// `https://example.org/path`, not as a path on the page.
pub(crate) fn absolute_url(raw: &str, base: Option<&url::Url>) -> Result<String, UrlProblem> {
    let mut raw = clean(raw);
    if bare_host(&raw) {
        raw = format!("https://{raw}");
    }
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

/// An absolute http(s) URL only: relative paths and plain words (a
/// claimant's "/" or "Réseaux sociaux") are placeholders, not addresses to
/// resolve against the page.
pub(crate) fn own_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    // A protocol-relative URL names its host: it is an address.
    match raw.strip_prefix("//") {
        Some(rest) => absolute_url(&format!("https://{rest}"), None).ok(),
        None => absolute_url(raw, None).ok(),
    }
}

/// True for `host.tld` or `host.tld/path…`: no scheme, no white space, a
/// first segment with an inner dot and a top-level label of letters that
/// is not a file's ending (`x.html` is a page beside this one).
fn bare_host(s: &str) -> bool {
    const FILE_ENDINGS: [&str; 12] = [
        "html", "htm", "shtml", "php", "asp", "aspx", "jsp", "cgi", "json", "xml", "pdf", "jpg",
    ];
    if s.contains("://") || s.starts_with(['/', '.']) || s.contains(char::is_whitespace) {
        return false;
    }
    let host = s.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((name, tld)) = host.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !FILE_ENDINGS.contains(&tld.to_ascii_lowercase().as_str())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
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
        // A bare host is a host, not a path on the page.
        assert_eq!(
            absolute_url("example.org/path", b).unwrap(),
            "https://example.org/path"
        );
        assert_eq!(
            own_url("www.misbar.com").unwrap(),
            "https://www.misbar.com/"
        );
        assert_eq!(own_url("/"), None);
        assert_eq!(own_url("Réseaux sociaux"), None);
        assert_eq!(own_url("report.html"), None);
    }

    #[test]
    fn tags_are_stripped_and_tags_normalised() {
        assert_eq!(
            clean("<b>False</b>: the <a href=\"x\">photo</a>"),
            "False : the photo"
        );
        assert_eq!(
            clean("There have been <a href=\"https://apnews"),
            "There have been"
        );
        assert_eq!(clean("&lt;i&gt;Fake&lt;/i&gt;"), "Fake");
        assert_eq!(clean("1 < 2 and 3<4"), "1 < 2 and 3<4");
        assert_eq!(lang_tag("en_US"), "en-US");
        assert_eq!(lang_tag("EN-us"), "en-US");
        assert_eq!(lang_tag("zh-Hant-TW"), "zh-Hant-TW");
    }
}
