//! ClaimReview in: published markup read into [`Review`]s.
//!
//! Accepted input, in one file:
//! - ClaimReview JSON-LD: one object, an array, an `@graph`, or reviews
//!   nested in other nodes; several JSON documents one after another
//!   (JSON Lines) are read in turn;
//! - an HTML page: every `<script type="application/ld+json">` in it;
//! - Google Fact Check Tools' `claims:search` response
//!   (`{"claims": [{"text", "claimant", "claimDate", "claimReview": [...]}]}`).
//!
//! Each review found is read on its own. What cannot be read is a
//! [`Problem`] naming the review's position (`$.@graph[2]`,
//! `$.claims[0].claimReview[1]`, `document 2: $[4]`) and what is wrong;
//! the rest are still read, and the caller decides whether to go on.
//! Markup is read leniently where meaning is clear (see
//! `interop/jsonld.rs`) and strictly where a guess would put words in a
//! fact-checker's mouth: a review needs its own URL (or an `@id` that
//! names it), a claim text, a rating and a date.

use serde_json::Value;

use crate::error::Error;
use crate::ids::SourceId;
use crate::interop::claimreview::SOURCE_KIND_IRI;
use crate::interop::jsonld::{Graph, Node, UrlProblem, absolute_url, number, text, types};
use crate::interop::rating;
use crate::record::{Rating, SourceKind, check_lang};

/// How to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The page the markup came from, to resolve relative URLs against
    /// when the review does not give its own absolute URL.
    pub base_url: Option<url::Url>,
    /// The claim's language when the markup does not say (BCP-47).
    pub lang: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            base_url: None,
            // BCP-47 "undetermined".
            lang: "und".to_owned(),
        }
    }
}

/// Who said something, as the markup names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Display name.
    pub name: String,
    /// What kind of source, from `@type` (or a guess from the name when
    /// there is none; see [`guess_kind`]).
    pub kind: SourceKind,
    /// Home page or profile (absolute).
    pub url: Option<String>,
    /// A slug the markup gives (`identifier`), when it is a valid one.
    pub slug: Option<SourceId>,
}

/// How a review rated the claim.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRating {
    /// isnad's rating.
    pub rating: Rating,
    /// The published words (`alternateName`, `textualRating`).
    pub words: Option<String>,
    /// The published number with its worst and best values, when given.
    pub value: Option<(f64, f64, f64)>,
    /// True when neither the number nor the words could be mapped: the
    /// rating is then `unverifiable`.
    pub unmapped: bool,
}

/// One review, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// Where in the input it was.
    pub at: String,
    /// The review's own page.
    pub url: String,
    /// The claim texts it rates (usually one).
    pub claims: Vec<String>,
    /// Their language.
    pub lang: String,
    /// Who made the claim.
    pub originator: Party,
    /// Who published it, when that is someone else.
    pub publisher: Option<Party>,
    /// When the claim appeared (`YYYY-MM-DD` or a UTC time).
    pub appeared_on: String,
    /// Where it appeared.
    pub appeared_at: Option<String>,
    /// The venue in words.
    pub venue: Option<String>,
    /// The rating.
    pub rating: ReadRating,
    /// The fact-checker's organisation.
    pub reviewer: Option<String>,
    /// When the review was published.
    pub reviewed_on: Option<String>,
    /// The review's summary (`reviewBody`, `description`, `headline`, `title`).
    pub body: Option<String>,
    /// Its citations.
    pub citations: Vec<String>,
}

/// A review that could not be read, or a document with none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the input.
    pub at: String,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for Problem {
    /// One line whatever the markup held: control characters and line
    /// separators in quoted input are escaped.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = crate::error::one_line(&format!("{}: {}", self.at, self.reason));
        f.write_str(&line)
    }
}

/// Everything read from one input.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Reviews read, in input order.
    pub reviews: Vec<Review>,
    /// Reviews (or documents) that could not be read, in input order.
    pub problems: Vec<Problem>,
}

/// Reads every review in `input`.
///
/// # Errors
/// [`Error::Json`] when the input is neither JSON nor an HTML page with
/// JSON-LD in it; problems with single reviews are in the [`Reading`].
pub fn read(input: &str, options: &ReadOptions) -> Result<Reading, Error> {
    let input = input.trim_start_matches('\u{feff}');
    let mut reading = Reading::default();
    let docs = if input.trim_start().starts_with('<') {
        let scripts = ld_scripts(input);
        if scripts.is_empty() {
            return Err(Error::Json {
                what: "ClaimReview input",
                reason: "an HTML page with no <script type=\"application/ld+json\">".into(),
            });
        }
        let mut docs = Vec::new();
        for (i, s) in scripts.iter().enumerate() {
            match serde_json::from_str::<Value>(s) {
                Ok(v) => docs.push((format!("script {}: ", i + 1), v)),
                Err(e) => reading.problems.push(Problem {
                    at: format!("script {}", i + 1),
                    reason: format!("malformed JSON: {}", one_line(&e.to_string())),
                }),
            }
        }
        docs
    } else {
        let mut docs = Vec::new();
        for v in serde_json::Deserializer::from_str(input).into_iter::<Value>() {
            let v = v.map_err(|e| Error::Json {
                what: "ClaimReview input",
                reason: one_line(&e.to_string()),
            })?;
            docs.push(v);
        }
        if docs.is_empty() {
            return Err(Error::Json {
                what: "ClaimReview input",
                reason: "the file is empty".into(),
            });
        }
        let several = docs.len() > 1;
        docs.into_iter()
            .enumerate()
            .map(|(i, v)| {
                let prefix = if several {
                    format!("document {}: ", i + 1)
                } else {
                    String::new()
                };
                (prefix, v)
            })
            .collect()
    };
    for (prefix, doc) in &docs {
        read_document(prefix, doc, options, &mut reading);
    }
    Ok(reading)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The contents of every `<script type="application/ld+json">` element.
fn ld_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<script").map(|i| i + from) {
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        if lower[open..tag_end].contains("application/ld+json") {
            out.push(&html[tag_end + 1..close]);
        }
        from = close + 1;
    }
    out
}

fn read_document(prefix: &str, doc: &Value, options: &ReadOptions, reading: &mut Reading) {
    let graph = Graph::new(doc);
    let before = reading.reviews.len() + reading.problems.len();
    // Google Fact Check Tools: {"claims": [...]}.
    if let Some(Value::Array(claims)) = doc.get("claims") {
        for (i, claim) in claims.iter().enumerate() {
            let at = format!("{prefix}$.claims[{i}]");
            let Some(c) = claim.as_object() else {
                reading.problems.push(problem(&at, "not an object"));
                continue;
            };
            let reviews = match c.get("claimReview") {
                Some(Value::Array(r)) if !r.is_empty() => r,
                _ => {
                    reading
                        .problems
                        .push(problem(&at, "no claimReview: nothing rates this claim"));
                    continue;
                }
            };
            // The claim's language is the first review's: reviews in other
            // languages rate the same words, not a translation of them.
            let lang = reviews
                .iter()
                .filter_map(|r| r.get("languageCode").and_then(text))
                .find(|l| check_lang("lang", l).is_ok())
                .unwrap_or_else(|| options.lang.clone());
            for (j, r) in reviews.iter().enumerate() {
                let at = format!("{at}.claimReview[{j}]");
                match google_review(c, r, &lang, options) {
                    Ok(review) => reading.reviews.push(Review { at, ..review }),
                    Err(reason) => reading.problems.push(Problem { at, reason }),
                }
            }
        }
    } else {
        let mut found = Vec::new();
        find_reviews(doc, "$".to_owned(), &mut found);
        for (at, node) in found {
            let at = format!("{prefix}{at}");
            match schema_review(&graph, node, options) {
                Ok(review) => reading.reviews.push(Review { at, ..review }),
                Err(reason) => reading.problems.push(Problem { at, reason }),
            }
        }
    }
    if reading.reviews.len() + reading.problems.len() == before {
        reading.problems.push(problem(
            &format!("{prefix}$"),
            "no ClaimReview here (nor a Fact Check Tools `claims` list)",
        ));
    }
}

fn problem(at: &str, reason: &str) -> Problem {
    Problem {
        at: at.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Every node typed `ClaimReview` (or untyped with a `claimReviewed`),
/// anywhere in `v`, with its path.
fn find_reviews<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Node)>) {
    match v {
        Value::Object(o) => {
            let t = types(o);
            let untyped_review = t.is_empty()
                && (o.contains_key("claimReviewed") || o.contains_key("schema:claimReviewed"));
            if t.contains(&"ClaimReview") || untyped_review {
                out.push((at, o));
                return;
            }
            for (k, child) in o {
                // Member names come from the input: keep the path one line.
                let k = crate::error::one_line(k);
                find_reviews(child, format!("{at}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                find_reviews(child, format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A schema.org ClaimReview node.
fn schema_review(g: &Graph<'_>, r: &Node, options: &ReadOptions) -> Result<Review, String> {
    // The review's own URL, absolute: the base for the rest. Without one,
    // its `@id` (an isnad export names the signed verdict there) is what
    // the verdict keeps to point back to it.
    let id = r
        .get("@id")
        .and_then(Value::as_str)
        .map(super::jsonld::clean);
    let own_id = id.as_deref().and_then(|i| absolute_url(i, None).ok());
    let raw_url = g.prop(r, "url").and_then(text);
    let url = match (&raw_url, &id) {
        (Some(u), _) => {
            let base = options
                .base_url
                .clone()
                .or_else(|| own_id.as_deref().and_then(|i| url::Url::parse(i).ok()));
            absolute_url(u, base.as_ref()).map_err(|p| url_problem("url", u, &p))?
        }
        (None, Some(id)) if id.contains(':') && !id.chars().any(char::is_whitespace) => id.clone(),
        _ => {
            return Err(
                "no url (nor an @id naming the review): the review's own page is needed, as \
                 evidence"
                    .into(),
            );
        }
    };
    let base = url::Url::parse(&url).ok();
    let base = options.base_url.clone().or(base);
    let item = g.prop(r, "itemReviewed");
    if let Some(dangling) = item.and_then(|v| g.dangling(v)) {
        return Err(format!(
            "itemReviewed refers to `{dangling}`, which is not in the document"
        ));
    }
    let item = item.and_then(|v| g.node(v));

    let mut claims: Vec<String> = Vec::new();
    if let Some(t) = item.and_then(|c| g.prop(c, "text")).and_then(text) {
        claims.push(t);
    } else {
        for v in g.all(r, "claimReviewed") {
            if let Some(t) = text(v) {
                if !claims.contains(&t) {
                    claims.push(t);
                }
            }
        }
    }
    if claims.is_empty() {
        return Err("no claim: neither claimReviewed nor itemReviewed.text has text".into());
    }

    let lang = item
        .and_then(|c| g.prop(c, "inLanguage"))
        .or_else(|| g.prop(r, "inLanguage"))
        .and_then(|v| language(g, v))
        .unwrap_or_else(|| options.lang.clone());

    let appearances: Vec<&Node> = item
        .map(|c| {
            let mut a: Vec<&Node> = g
                .all(c, "firstAppearance")
                .into_iter()
                .chain(g.all(c, "appearance"))
                .filter_map(|v| g.node(v))
                .collect();
            a.dedup_by(|x, y| std::ptr::eq(*x, *y));
            a
        })
        .unwrap_or_default();
    let first = appearances.first().copied();

    let claim_author = item.and_then(|c| g.prop(c, "author"));
    let publisher_node = first.and_then(|a| g.prop(a, "author").or_else(|| g.prop(a, "publisher")));
    let mut originator = match claim_author {
        Some(v) => {
            Some(party(g, v, base.as_ref()).map_err(|e| format!("itemReviewed.author: {e}"))?)
        }
        None => None,
    };
    let mut publisher = match publisher_node {
        Some(v) => Some(party(g, v, base.as_ref()).map_err(|e| format!("appearance author: {e}"))?),
        None => None,
    };
    if originator.is_none() {
        // Whoever published it is the only source the markup names.
        originator = publisher.take();
    }
    let originator = originator.unwrap_or_else(unattributed);
    if publisher
        .as_ref()
        .is_some_and(|p| same_party(p, &originator))
    {
        publisher = None;
    }

    let appeared_at = first
        .and_then(|a| g.prop(a, "url"))
        .and_then(text)
        .and_then(|u| absolute_url(&u, base.as_ref()).ok());
    let venue = first
        .and_then(|a| g.prop(a, "name").or_else(|| g.prop(a, "headline")))
        .and_then(text);

    let date_candidates = [
        item.and_then(|c| g.prop(c, "datePublished")),
        first.and_then(|a| g.prop(a, "datePublished")),
        g.prop(r, "datePublished"),
    ];
    let appeared_on = first_date(&date_candidates)?;
    let reviewed_on = g
        .prop(r, "datePublished")
        .and_then(text)
        .and_then(|d| date(&d));

    let rating_node = g.node_prop(r, "reviewRating").ok_or_else(|| {
        "no reviewRating: the review does not say how it rated the claim".to_owned()
    })?;
    let words = g
        .prop(rating_node, "alternateName")
        .or_else(|| g.prop(rating_node, "name"))
        .and_then(text);
    let value = g.prop(rating_node, "ratingValue").and_then(number);
    let worst = g.prop(rating_node, "worstRating").and_then(number);
    let best = g.prop(rating_node, "bestRating").and_then(number);
    let rating = rate(words, value, worst, best)?;

    let reviewer = g.prop(r, "author").and_then(|v| {
        g.node(v)
            .map_or_else(|| text(v), |n| g.prop(n, "name").and_then(text))
    });
    let body = ["reviewBody", "description", "headline", "name"]
        .iter()
        .find_map(|p| g.prop(r, p).and_then(text));
    let citations = g
        .all(r, "citation")
        .into_iter()
        .filter_map(|v| match g.node(v) {
            Some(n) => g
                .prop(n, "url")
                .or_else(|| g.prop(n, "name"))
                .and_then(text),
            None => text(v),
        })
        .collect();

    Ok(Review {
        at: String::new(),
        url,
        claims,
        lang,
        originator,
        publisher,
        appeared_on,
        appeared_at,
        venue,
        rating,
        reviewer,
        reviewed_on,
        body,
        citations,
    })
}

/// One review of Google Fact Check Tools' `claims:search` response.
fn google_review(
    claim: &serde_json::Map<String, Value>,
    review: &Value,
    lang: &str,
    options: &ReadOptions,
) -> Result<Review, String> {
    let r = review.as_object().ok_or("not an object")?;
    let get = |o: &serde_json::Map<String, Value>, k: &str| o.get(k).and_then(text);
    let raw_url = get(r, "url").ok_or("no url: the review's own page is needed")?;
    let url = absolute_url(&raw_url, options.base_url.as_ref())
        .map_err(|p| url_problem("url", &raw_url, &p))?;
    let text = get(claim, "text").ok_or("no claim text (`text`)")?;
    let originator = match get(claim, "claimant") {
        Some(name) => Party {
            kind: guess_kind(&name),
            name,
            url: None,
            slug: None,
        },
        None => unattributed(),
    };
    let dates = [claim.get("claimDate"), r.get("reviewDate")];
    let appeared_on = first_date(&dates)?;
    let words = get(r, "textualRating");
    let rating = rate(words, None, None, None)?;
    let publisher = r.get("publisher").and_then(Value::as_object);
    let reviewer = publisher.and_then(|p| get(p, "name").or_else(|| get(p, "site")));
    Ok(Review {
        at: String::new(),
        url,
        claims: vec![text],
        lang: lang.to_owned(),
        originator,
        publisher: None,
        appeared_on,
        appeared_at: None,
        venue: None,
        rating,
        reviewer,
        reviewed_on: get(r, "reviewDate").and_then(|d| date(&d)),
        body: get(r, "title"),
        citations: Vec::new(),
    })
}

fn url_problem(field: &str, raw: &str, p: &UrlProblem) -> String {
    match p {
        UrlProblem::Relative => format!(
            "{field} `{raw}` is relative and the review gives no page to resolve it against \
             (pass --base-url)"
        ),
        UrlProblem::Invalid => format!("{field} `{raw}` is not an http(s) URL"),
    }
}

/// The rating from a number between worst and best when all three are
/// there and the number is between them; else from the words; else
/// unverifiable, keeping the words.
fn rate(
    words: Option<String>,
    value: Option<f64>,
    worst: Option<f64>,
    best: Option<f64>,
) -> Result<ReadRating, String> {
    let scale = match (value, worst, best) {
        (Some(v), Some(w), Some(b)) => Some((v, w, b)),
        _ => None,
    };
    if words.is_none() && value.is_none() {
        return Err("reviewRating has neither a ratingValue nor words (alternateName)".into());
    }
    if let Some(r) = scale.and_then(|(v, w, b)| rating::from_value(v, w, b)) {
        return Ok(ReadRating {
            rating: r,
            words,
            value: scale,
            unmapped: false,
        });
    }
    let from_words = words.as_deref().and_then(rating::from_words);
    Ok(ReadRating {
        rating: from_words.map_or(Rating::Unverifiable, rating::Category::rating),
        unmapped: from_words.is_none(),
        words,
        value: scale,
    })
}

/// The first readable date of `candidates`.
fn first_date(candidates: &[Option<&Value>]) -> Result<String, String> {
    let given: Vec<String> = candidates
        .iter()
        .flatten()
        .filter_map(|v| text(v))
        .collect();
    if let Some(d) = given.iter().find_map(|d| date(d)) {
        return Ok(d);
    }
    match given.first() {
        Some(d) => Err(format!(
            "no readable date: `{d}` is not an ISO 8601 date (YYYY-MM-DD…)"
        )),
        None => Err(
            "no date: neither the claim, its appearance nor the review has datePublished".into(),
        ),
    }
}

/// An ISO 8601 date or date-time as isnad stores dates: a full time with
/// an offset becomes a UTC time, anything else that starts with a valid
/// `YYYY-MM-DD` becomes that date.
fn date(s: &str) -> Option<String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
        );
    }
    let day = s.get(..10)?;
    let shape = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    (shape && chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok()).then(|| day.to_owned())
}

/// A language from `inLanguage`: a tag, or a Language node's
/// `alternateName` (schema.org's spelling of the tag).
fn language(g: &Graph<'_>, v: &Value) -> Option<String> {
    let tag = match g.node(v) {
        Some(n) => g.prop(n, "alternateName").and_then(text),
        None => text(v),
    }?;
    check_lang("inLanguage", &tag).is_ok().then_some(tag)
}

/// A party from a node (or a bare name).
fn party(g: &Graph<'_>, v: &Value, base: Option<&url::Url>) -> Result<Party, String> {
    if let Some(dangling) = g.dangling(v) {
        return Err(format!(
            "refers to `{dangling}`, which is not in the document"
        ));
    }
    let Some(n) = g.node(v) else {
        let name = text(v).ok_or("has no name")?;
        return Ok(Party {
            kind: guess_kind(&name),
            name,
            url: None,
            slug: None,
        });
    };
    let url = g
        .prop(n, "url")
        .or_else(|| g.prop(n, "sameAs"))
        .and_then(text)
        .and_then(|u| absolute_url(&u, base).ok());
    let name = g
        .prop(n, "name")
        .or_else(|| g.prop(n, "alternateName"))
        .and_then(text)
        .or_else(|| {
            url.as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| {
                    u.host_str()
                        .map(|h| h.trim_start_matches("www.").to_owned())
                })
        })
        .ok_or("has neither a name nor a url")?;
    let slug = g
        .prop(n, "identifier")
        .and_then(text)
        .and_then(|s| SourceId::parse(&s, "identifier").ok());
    let stated = g
        .prop(n, "additionalType")
        .and_then(text)
        .and_then(|t| t.strip_prefix(SOURCE_KIND_IRI).and_then(kind_named));
    let kind = stated.unwrap_or_else(|| {
        let t = types(n);
        if t.contains(&"Person") {
            SourceKind::Person
        } else if t.contains(&"NewsMediaOrganization") || t.iter().any(|t| t.ends_with("Newspaper"))
        {
            SourceKind::Outlet
        } else if t.contains(&"GovernmentOrganization") || t.contains(&"GovernmentService") {
            SourceKind::Government
        } else if t
            .iter()
            .any(|t| t.contains("Organization") || *t == "Corporation")
        {
            SourceKind::Organization
        } else if t
            .iter()
            .any(|t| matches!(*t, "WebSite" | "WebPage" | "Blog"))
        {
            SourceKind::Outlet
        } else {
            guess_kind(&name)
        }
    });
    Ok(Party {
        name,
        kind,
        url,
        slug,
    })
}

fn kind_named(s: &str) -> Option<SourceKind> {
    Some(match s {
        "outlet" => SourceKind::Outlet,
        "person" => SourceKind::Person,
        "organization" => SourceKind::Organization,
        "government" => SourceKind::Government,
        "social-account" => SourceKind::SocialAccount,
        "anonymous" => SourceKind::Anonymous,
        _ => return None,
    })
}

/// The kind of a source the markup names without a type (Fact Check
/// Tools' `claimant` is a bare name): posts and accounts on platforms are
/// social accounts, unnamed sources anonymous, anyone else a person. An
/// editor can correct a wrong guess with `amend --source`.
pub fn guess_kind(name: &str) -> SourceKind {
    let n = name.to_lowercase();
    const SOCIAL: [&str; 22] = [
        "facebook",
        "twitter",
        "tiktok",
        "instagram",
        "whatsapp",
        "youtube",
        "telegram",
        "social media",
        "viral",
        "posts",
        "users",
        "x.com",
        "فيسبوك",
        "تويتر",
        "واتساب",
        "تيك توك",
        "منشورات",
        "फेसबुक",
        "व्हाट्सएप",
        "publicaciones",
        "publicações",
        "publications",
    ];
    const UNNAMED: [&str; 5] = [
        "unknown",
        "unnamed",
        "anonymous",
        "multiple sources",
        "various",
    ];
    if UNNAMED.iter().any(|w| n.contains(w)) {
        SourceKind::Anonymous
    } else if SOCIAL.iter().any(|w| n.contains(w)) {
        SourceKind::SocialAccount
    } else {
        SourceKind::Person
    }
}

/// The source of a claim whose markup names nobody.
fn unattributed() -> Party {
    Party {
        name: "Unattributed (the review names no claimant)".into(),
        kind: SourceKind::Anonymous,
        url: None,
        slug: SourceId::parse("unattributed", "source").ok(),
    }
}

fn same_party(a: &Party, b: &Party) -> bool {
    match (&a.slug, &b.slug) {
        (Some(x), Some(y)) => x == y,
        _ => a.name == b.name,
    }
}

#[cfg(test)]
mod tests;
