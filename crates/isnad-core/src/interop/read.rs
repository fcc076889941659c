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
use crate::interop::jsonld::{
    self, Graph, Node, UrlProblem, absolute_url, number, own_url, text, types,
};
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
    /// Its home page (`author.url`, Fact Check Tools' `publisher.site`).
    pub reviewer_url: Option<String>,
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
    if input.trim_start().starts_with('<') {
        return read_page(input, options);
    }
    let mut reading = Reading::default();
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
    for (i, doc) in docs.iter().enumerate() {
        let prefix = if several {
            format!("document {}: ", i + 1)
        } else {
            String::new()
        };
        read_document(&prefix, doc, options, &mut reading);
    }
    Ok(reading)
}

/// Reads one JSON document (an element of a larger input, say) into
/// `reading`, its positions behind `prefix`; a document with no review in
/// it is a problem.
pub fn read_document(prefix: &str, doc: &Value, options: &ReadOptions, reading: &mut Reading) {
    read_at(prefix, "$", doc, options, reading);
}

/// Reads one element of a larger input (`$[12]` of a top-level array)
/// into `reading`, its positions under `root`.
pub fn read_element(root: &str, doc: &Value, options: &ReadOptions, reading: &mut Reading) {
    read_at("", root, doc, options, reading);
}

fn read_at(prefix: &str, root: &str, doc: &Value, options: &ReadOptions, reading: &mut Reading) {
    let graph = Graph::new(doc);
    let before = reading.reviews.len() + reading.problems.len();
    read_nodes(prefix, root, doc, &graph, options, reading);
    if reading.reviews.len() + reading.problems.len() == before {
        reading.problems.push(problem(
            &format!("{prefix}{root}"),
            "no ClaimReview here (nor a Fact Check Tools claim with a claimReview)",
        ));
    }
}

/// An HTML page: its ld+json blocks read as one document, so that `@id`
/// references from one block to another resolve. Blocks that hold no
/// review (WebSite, BreadcrumbList, NewsArticle …) are passed over.
fn read_page(html: &str, options: &ReadOptions) -> Result<Reading, Error> {
    let page = page(html);
    if page.scripts.is_empty() {
        return Err(Error::Json {
            what: "ClaimReview input",
            reason: "an HTML page with no <script type=\"application/ld+json\">".into(),
        });
    }
    let mut options = options.clone();
    if let Some(lang) = page.lang.filter(|l| check_lang("lang", l).is_ok()) {
        // The page's language, for reviews whose markup does not say.
        options.lang = lang;
    }
    let mut reading = Reading::default();
    let mut blocks = Vec::new();
    let mut cut = Vec::new();
    for (i, s) in page.scripts.iter().enumerate() {
        let at = format!("script {}", i + 1);
        let mentions_review = s.text.contains("ClaimReview") || s.text.contains("claimReviewed");
        match serde_json::from_str::<Value>(s.text) {
            Ok(v) => blocks.push((i, v)),
            Err(_) if s.cut => {
                cut.push(i + 1);
                if mentions_review {
                    reading.problems.push(problem(
                        &at,
                        "the block is cut off: the page ends before its </script>",
                    ));
                }
            }
            Err(e) if mentions_review => reading.problems.push(Problem {
                at,
                reason: format!("malformed JSON: {}", one_line(&e.to_string())),
            }),
            // A broken block that holds no review is not the importer's
            // business.
            Err(_) => {}
        }
    }
    let all = Value::Array(blocks.iter().map(|(_, v)| v.clone()).collect());
    let graph = Graph::new(&all);
    for (i, block) in &blocks {
        read_nodes(
            &format!("script {}: ", i + 1),
            "$",
            block,
            &graph,
            &options,
            &mut reading,
        );
    }
    if reading.reviews.is_empty() && reading.problems.is_empty() {
        let mut kinds: Vec<&str> = Vec::new();
        for (_, b) in &blocks {
            for t in top_types(b) {
                if !kinds.contains(&t) {
                    kinds.push(t);
                }
            }
        }
        let mut reason = format!(
            "no ClaimReview in the page's {} ld+json blocks",
            page.scripts.len()
        );
        if !kinds.is_empty() {
            reason.push_str(&format!(" (they hold {})", kinds.join(", ")));
        }
        if !cut.is_empty() {
            reason.push_str(&format!(
                "; block {} is cut off: the page ends before its </script>",
                cut.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        reading.problems.push(problem("$", &reason));
    }
    Ok(reading)
}

/// The `@type`s of a block's top-level nodes (and its `@graph`'s).
fn top_types(v: &Value) -> Vec<&str> {
    match v {
        Value::Array(a) => a.iter().flat_map(top_types).collect(),
        Value::Object(o) => {
            let mut t = types(o);
            if let Some(g) = o.get("@graph") {
                t.extend(top_types(g));
            }
            t
        }
        _ => Vec::new(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an HTML page holds for the importer.
struct Page<'a> {
    scripts: Vec<Script<'a>>,
    /// `<html lang>`, as a BCP-47 tag.
    lang: Option<String>,
}

/// One `<script type="application/ld+json">` element's text.
struct Script<'a> {
    text: &'a str,
    /// The page ends before the element's `</script>`.
    cut: bool,
}

/// The contents of every `<script type="application/ld+json">` element,
/// and the page's language.
fn page(html: &str) -> Page<'_> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<script").map(|i| i + from) {
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        let is_ld = lower[open..tag_end].contains("application/ld+json");
        match lower[tag_end..].find("</script").map(|i| i + tag_end) {
            Some(close) => {
                if is_ld {
                    scripts.push(Script {
                        text: &html[tag_end + 1..close],
                        cut: false,
                    });
                }
                from = close + 1;
            }
            None => {
                if is_ld {
                    scripts.push(Script {
                        text: &html[tag_end + 1..],
                        cut: true,
                    });
                }
                break;
            }
        }
    }
    let lang = lower.find("<html").and_then(|at| {
        let end = lower[at..].find('>').map_or(lower.len(), |e| e + at);
        let tag = &html[at..end];
        let l = tag.to_ascii_lowercase().find(" lang=")? + " lang=".len();
        let rest = tag.get(l..)?;
        let value = match rest.chars().next()? {
            q @ ('"' | '\'') => rest[1..].split(q).next()?,
            _ => rest.split(|c: char| c.is_whitespace() || c == '>').next()?,
        };
        let tag = jsonld::lang_tag(value);
        (!tag.is_empty()).then_some(tag)
    });
    Page { scripts, lang }
}

/// Reads the reviews of one document (or one block of a page, with the
/// page's graph) into `reading`.
fn read_nodes(
    prefix: &str,
    root: &str,
    doc: &Value,
    graph: &Graph<'_>,
    options: &ReadOptions,
    reading: &mut Reading,
) {
    let mut found = Vec::new();
    find_reviews(doc, root.to_owned(), &mut found);
    for f in found {
        match f {
            Found::Schema(at, node) => {
                let at = format!("{prefix}{at}");
                match schema_review(graph, node, options) {
                    Ok(review) => reading.reviews.push(Review { at, ..review }),
                    Err(reason) => reading.problems.push(Problem { at, reason }),
                }
            }
            Found::Tools(at, claim) => {
                tools_claim(&format!("{prefix}{at}"), claim, options, reading);
            }
            Found::NotAClaim(at) => reading
                .problems
                .push(problem(&format!("{prefix}{at}"), "not an object")),
        }
    }
}

/// A Fact Check Tools claim (`{"text", "claimant", "claimDate",
/// "claimReview": [...]}`): each of its reviews.
fn tools_claim(at: &str, c: &Node, options: &ReadOptions, reading: &mut Reading) {
    let reviews = match c.get("claimReview") {
        Some(Value::Array(r)) if !r.is_empty() => r,
        _ => {
            reading
                .problems
                .push(problem(at, "no claimReview: nothing rates this claim"));
            return;
        }
    };
    // The claim's language is the first review's: reviews in other
    // languages rate the same words, not a translation of them.
    let stated = reviews
        .iter()
        .filter_map(|r| r.get("languageCode").and_then(text))
        .map(|l| jsonld::lang_tag(&l))
        .find(|l| check_lang("lang", l).is_ok())
        .unwrap_or_else(|| options.lang.clone());
    let lang = c
        .get("text")
        .and_then(text)
        .map_or(stated.clone(), |t| fit_script(&stated, &t));
    for (j, r) in reviews.iter().enumerate() {
        let at = format!("{at}.claimReview[{j}]");
        match google_review(c, r, &lang, options) {
            Ok(review) => reading.reviews.push(Review { at, ..review }),
            Err(reason) => reading.problems.push(Problem { at, reason }),
        }
    }
}

/// Scripts whose letters say which language a text is in, whatever the
/// markup states: Fact Check Tools often says `en` of an Arabic claim, or
/// `ar` of the English or French claim an Arabic desk checked. When most
/// letters of `text` are Arabic and `stated` is not a language written in
/// Arabic letters, the text is Arabic; when most are Latin and `stated` is
/// written in Arabic letters, it is English or French if at least two of
/// that language's commonest words are in it and outnumber the other's,
/// else undetermined (`und`).
fn fit_script(stated: &str, text: &str) -> String {
    const ARABIC_SCRIPT: [&str; 8] = ["ar", "fa", "ur", "ps", "ku", "sd", "ug", "ckb"];
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let arabic = text
        .chars()
        .filter(|c| matches!(*c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}'))
        .count();
    let primary = stated.split('-').next().unwrap_or(stated);
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    if letters > 0 && arabic * 2 > letters && !ARABIC_SCRIPT.contains(&primary) {
        "ar".to_owned()
    } else if letters > 0 && latin * 2 > letters && ARABIC_SCRIPT.contains(&primary) {
        const EN: [&str; 8] = ["the", "and", "of", "is", "was", "to", "in", "that"];
        const FR: [&str; 8] = ["le", "la", "les", "des", "et", "est", "du", "une"];
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).collect();
        let en = words.iter().filter(|w| EN.contains(w)).count();
        let fr = words.iter().filter(|w| FR.contains(w)).count();
        if en >= 2 && en > fr {
            "en".to_owned()
        } else if fr >= 2 && fr > en {
            "fr".to_owned()
        } else {
            "und".to_owned()
        }
    } else {
        stated.to_owned()
    }
}

fn problem(at: &str, reason: &str) -> Problem {
    Problem {
        at: at.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A review found in a document.
enum Found<'a> {
    /// A schema.org `ClaimReview` node.
    Schema(String, &'a Node),
    /// A Fact Check Tools claim, with its `claimReview` list.
    Tools(String, &'a Node),
    /// An element of a Fact Check Tools `claims` list that is no object.
    NotAClaim(String),
}

/// Every node typed `ClaimReview` (or untyped with a `claimReviewed`), and
/// every Fact Check Tools claim (untyped, with a `claimReview` list),
/// anywhere in `v`, with its path.
fn find_reviews<'a>(v: &'a Value, at: String, out: &mut Vec<Found<'a>>) {
    match v {
        Value::Object(o) => {
            let t = types(o);
            let untyped_review = t.is_empty()
                && (o.contains_key("claimReviewed") || o.contains_key("schema:claimReviewed"));
            if t.contains(&"ClaimReview") || untyped_review {
                out.push(Found::Schema(at, o));
                return;
            }
            if t.is_empty() && o.contains_key("claimReview") {
                out.push(Found::Tools(at, o));
                return;
            }
            for (k, child) in o {
                if k == "claims" {
                    if let Value::Array(a) = child {
                        for (i, c) in a.iter().enumerate() {
                            let at = format!("{at}.claims[{i}]");
                            match c {
                                Value::Object(c) => out.push(Found::Tools(at, c)),
                                _ => out.push(Found::NotAClaim(at)),
                            }
                        }
                        continue;
                    }
                }
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

    let appearance_values: Vec<&Value> = item
        .map(|c| {
            g.all(c, "firstAppearance")
                .into_iter()
                .chain(g.all(c, "appearance"))
                .collect()
        })
        .unwrap_or_default();
    let mut appearances: Vec<&Node> = appearance_values.iter().filter_map(|v| g.node(v)).collect();
    appearances.dedup_by(|x, y| std::ptr::eq(*x, *y));
    let first = appearances.first().copied();

    let claim_author = item.and_then(|c| g.prop(c, "author"));
    let publisher_node = first.and_then(|a| g.prop(a, "author").or_else(|| g.prop(a, "publisher")));
    let mut originator = match claim_author {
        Some(v) => party(g, v).map_err(|e| format!("itemReviewed.author: {e}"))?,
        None => None,
    };
    let mut publisher = match publisher_node {
        Some(v) => party(g, v).map_err(|e| format!("appearance author: {e}"))?,
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

    // Where it appeared: the first appearance's url (an appearance may be
    // given as a bare URL), else the claim's own url.
    let appeared_at = first
        .and_then(|a| g.prop(a, "url"))
        .and_then(text)
        .or_else(|| {
            appearance_values
                .iter()
                .filter(|v| v.is_string())
                .find_map(|v| text(v))
        })
        .or_else(|| item.and_then(|c| g.prop(c, "url")).and_then(text))
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

    let author = g.prop(r, "author").or_else(|| g.prop(r, "publisher"));
    let reviewer = author.and_then(|v| {
        g.node(v)
            .map_or_else(|| text(v), |n| g.prop(n, "name").and_then(text))
    });
    let reviewer_url = author
        .and_then(|v| g.node(v))
        .and_then(|n| g.prop(n, "url").or_else(|| g.prop(n, "sameAs")))
        .and_then(text)
        .and_then(|u| own_url(&u));
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
        reviewer_url,
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
    let originator = get(claim, "claimant")
        .map(named_party)
        .unwrap_or_else(unattributed);
    let dates = [claim.get("claimDate"), r.get("reviewDate")];
    let appeared_on = first_date(&dates)?;
    let words = get(r, "textualRating");
    let rating = rate(words, None, None, None)?;
    let publisher = r.get("publisher").and_then(Value::as_object);
    let reviewer = publisher.and_then(|p| get(p, "name").or_else(|| get(p, "site")));
    let reviewer_url = publisher
        .and_then(|p| get(p, "site"))
        .and_then(|s| own_url(&s));
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
        reviewer_url,
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

/// The rating from the words when they name a category (publishers'
/// numeric scales are inconsistent: the words are what the fact-checker
/// chose); else from a number between worst and best when all three are
/// there and the number is between them; else unverifiable, keeping the
/// words.
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
    let from_words = words.as_deref().and_then(rating::from_words);
    if from_words.is_none() {
        if let Some(r) = scale.and_then(|(v, w, b)| rating::from_value(v, w, b)) {
            return Ok(ReadRating {
                rating: r,
                words,
                value: scale,
                unmapped: false,
            });
        }
    }
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

/// An ISO 8601 date or date-time as isnad stores dates: a full UTC time
/// (`Z` or `+00:00`) stays a time; a time at another offset keeps its own
/// date (`2025-03-01T01:00:00+02:00` was published on 1 March where it was
/// published, though it was still 28 February in UTC); anything else that
/// starts with a valid `YYYY-MM-DD` becomes that date.
fn date(s: &str) -> Option<String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        // Midnight exactly is how a date alone is serialised (Fact Check
        // Tools' `claimDate`): the date is what was known.
        if t.time() == chrono::NaiveTime::MIN {
            return Some(t.date_naive().format("%Y-%m-%d").to_string());
        }
        if t.offset().local_minus_utc() == 0 {
            return Some(
                t.with_timezone(&chrono::Utc)
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string(),
            );
        }
        return Some(t.date_naive().format("%Y-%m-%d").to_string());
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
    let tag = jsonld::lang_tag(&tag);
    check_lang("inLanguage", &tag).is_ok().then_some(tag)
}

/// A party from a node (or a bare name); `None` when it has neither a
/// name nor a url (a placeholder: the claim is then unattributed). Its url
/// is kept only when it is absolute: a claimant's "/" or "Réseaux
/// sociaux" is a placeholder, not a page to resolve against the review.
fn party(g: &Graph<'_>, v: &Value) -> Result<Option<Party>, String> {
    if let Some(dangling) = g.dangling(v) {
        return Err(format!(
            "refers to `{dangling}`, which is not in the document"
        ));
    }
    let Some(n) = g.node(v) else {
        return Ok(text(v).map(named_party));
    };
    let url = g
        .prop(n, "url")
        .or_else(|| g.prop(n, "sameAs"))
        .and_then(text)
        .and_then(|u| own_url(&u));
    let Some(name) = g
        .prop(n, "name")
        .or_else(|| g.prop(n, "alternateName"))
        .and_then(text)
        .or_else(|| url.as_deref().and_then(host_of))
    else {
        return Ok(None);
    };
    let slug = g
        .prop(n, "identifier")
        .and_then(text)
        .and_then(|s| SourceId::parse(&s, "identifier").ok());
    let stated = g
        .prop(n, "additionalType")
        .and_then(text)
        .and_then(|t| t.strip_prefix(SOURCE_KIND_IRI).and_then(kind_named));
    if let Some(kind) = stated {
        return Ok(Some(Party {
            name,
            kind,
            url,
            slug,
        }));
    }
    let t = types(n);
    let typed = if t.contains(&"Person") {
        Some(SourceKind::Person)
    } else if t.contains(&"NewsMediaOrganization") || t.iter().any(|t| t.ends_with("Newspaper")) {
        Some(SourceKind::Outlet)
    } else if t.contains(&"GovernmentOrganization") || t.contains(&"GovernmentService") {
        Some(SourceKind::Government)
    } else if t
        .iter()
        .any(|t| t.contains("Organization") || *t == "Corporation")
    {
        Some(SourceKind::Organization)
    } else if t
        .iter()
        .any(|t| matches!(*t, "WebSite" | "WebPage" | "Blog"))
    {
        Some(SourceKind::Outlet)
    } else {
        None
    };
    let mut p = named_party(name);
    // A generic name ("Facebook user") is never a person, whatever the
    // markup's type; nor is a ministry or an outlet that the markup calls
    // a Person; any other typed party is what its type says.
    match typed {
        Some(SourceKind::Person) if generics::kind(&p.name).is_none() => {
            p.kind = generics::organisation_kind(&p.name).unwrap_or(SourceKind::Person);
        }
        Some(SourceKind::Organization) if generics::kind(&p.name).is_none() => {
            p.kind = generics::organisation_kind(&p.name).unwrap_or(SourceKind::Organization);
        }
        Some(k) if generics::kind(&p.name).is_none() => p.kind = k,
        _ => {}
    }
    // A platform's page says where the post was, not who wrote it.
    p.url = url.filter(|u| !host_of(u).is_some_and(|h| generics::is_platform(&h)));
    p.slug = slug;
    Ok(Some(p))
}

/// A party the markup names by name alone: generic names and platform
/// hosts ([`generics`]) are unnamed accounts or anonymous sources, never a
/// person and never the platform itself.
fn named_party(name: String) -> Party {
    if let Some(host) = generics::platform_host(&name) {
        return Party {
            name: format!("Unnamed account on {host}"),
            kind: SourceKind::SocialAccount,
            url: None,
            slug: None,
        };
    }
    Party {
        kind: guess_kind(&name),
        name,
        url: None,
        slug: None,
    }
}

/// A URL's host without `www.`.
fn host_of(u: &str) -> Option<String> {
    url::Url::parse(u)
        .ok()?
        .host_str()
        .map(|h| h.trim_start_matches("www.").to_owned())
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
/// Tools' `claimant` is a bare name): generic names ([`generics::kind`]:
/// "Facebook user", "Varias fuentes") are social accounts or anonymous,
/// a bare web address an outlet, anyone else a person. An editor can
/// correct a wrong guess with `amend --source`.
pub fn guess_kind(name: &str) -> SourceKind {
    if let Some(k) = generics::kind(name) {
        return k;
    }
    if generics::platform_host(name).is_some() {
        return SourceKind::SocialAccount;
    }
    if own_url(name).is_some() && !name.contains(char::is_whitespace) && name.contains('.') {
        return SourceKind::Outlet;
    }
    if handle(name) {
        return SourceKind::SocialAccount;
    }
    generics::organisation_kind(name).unwrap_or(SourceKind::Person)
}

/// True for a name that reads as an account's handle rather than a
/// person's name: one word with `@`, `_`, a dot or a digit in it, all in
/// lower case (`avadhdhara`), or with a capital after its first letter
/// (`NYplaid`). `Tunde` is a name.
fn handle(name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return false;
    }
    let marks = name.starts_with('@')
        || name.contains('_')
        || name.contains('.')
        || name.chars().any(|c| c.is_ascii_digit());
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let lower =
        letters.iter().all(|c| c.is_lowercase()) && letters.iter().any(|c| c.is_lowercase());
    let inner_capital = letters.iter().skip(1).any(|c| c.is_uppercase())
        && letters.iter().any(|c| c.is_lowercase());
    marks || lower || inner_capital
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

pub mod generics;
pub use generics::is_platform;
#[cfg(test)]
mod tests;
