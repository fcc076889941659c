//! Every bound of `limits.rs`, given to the `isnad` binary as a process: a
//! value exactly at the bound is accepted, one past it is refused with exit
//! code 2 and one error line naming the field and the bound, both from a
//! command and from a signed line of `import jsonl`, and a refusal leaves the
//! ledger as it was. Also: an import line longer than an entry can be is
//! refused by the line reader without reading the rest of it, even from an
//! endless input. (The clock-skew bound is tested in `cli_bad_input.rs`.)

use std::path::Path;

use crate::common::{self, Desk, jsonl, s, unix_now};
use base64::Engine as _;
use isnad_core::record::{
    AmendmentBody, Appearance, Change, ClaimBody, Hop, HopRelation, Rating, SourceBody, SourceKind,
    Translation, VerdictBody,
};
use isnad_core::{Draft, Entry, EntryHash, KeyPair, Record, Seq, Timestamp};
use serde_json::Value;

// The bounds, written out here rather than read from `isnad_core::limits`:
// they are part of the format (docs/FORMAT.md, section 7, "Limits"), so a
// change to one fails these tests and is made here too, on purpose.

/// The longest entry line, in bytes.
const MAX_ENTRY_BYTES: usize = 1_048_576;
/// The longest text field (claim text, quote, translation, rationale,
/// reason), in bytes.
const MAX_TEXT: usize = 65_536;
/// The longest name-like field (names, descriptions, venues, holders), in
/// bytes.
const MAX_NAME: usize = 1024;
/// The longest URL or evidence item, in bytes.
const MAX_URL: usize = 2048;
/// The most hops in an attribution chain.
const MAX_CHAIN: usize = 16;
/// The most translations of a claim.
const MAX_TRANSLATIONS: usize = 16;
/// The most evidence items of a verdict.
const MAX_EVIDENCE: usize = 32;
/// The most affiliations of a source.
const MAX_AFFILIATIONS: usize = 32;

/// Signs `record` at `seq` after `prev` without the record's own checks
/// (which `Draft::sign` runs), so that a line can break a bound and still
/// carry a valid signature.
fn signed_line(seq: Seq, prev: EntryHash, key: &KeyPair, record: Record) -> Vec<u8> {
    let draft = Draft::new(
        seq,
        prev,
        Timestamp::from_unix(unix_now()),
        key.verifier().clone(),
        record,
    );
    let input = draft.signing_input().unwrap();
    let sig = key.sign(&input);
    let unsigned = &input[isnad_core::entry::SIGNING_CONTEXT.len()..];
    let mut wire: Value = serde_json::from_slice(unsigned).unwrap();
    wire["sig"] = Value::String(base64::engine::general_purpose::STANDARD.encode(sig));
    isnad_core::canon::to_canonical(&wire).unwrap()
}

/// The ledger's export and the lines a test adds after it.
struct Tail {
    lines: Vec<Vec<u8>>,
    seq: Seq,
    prev: EntryHash,
}

impl Tail {
    fn of(d: &Desk) -> Tail {
        let lines = d.export_lines();
        let last = Entry::parse(lines.last().unwrap()).unwrap();
        Tail {
            seq: last.seq().next(),
            prev: last.hash(),
            lines,
        }
    }

    /// Adds a line signed by `key`; returns its 1-based line number.
    fn push(&mut self, key: &KeyPair, record: Record) -> usize {
        let line = signed_line(self.seq, self.prev, key, record);
        self.seq = self.seq.next();
        self.prev = EntryHash::of_leaf(&line);
        self.lines.push(line);
        self.lines.len()
    }

    fn bytes(&self) -> Vec<u8> {
        jsonl(&self.lines)
    }
}

/// Imports the ledger's export plus one line carrying `record`: it must be
/// refused naming its line and every fragment, the ledger unchanged.
fn import_refused(d: &Desk, key: &Path, record: Record, fragments: &[&str]) -> String {
    let mut t = Tail::of(d);
    let n = t.push(&Desk::keypair(key), record);
    let f = d.file("over.jsonl", &t.bytes());
    let line = d.refused(None, &["import", "jsonl", s(&f)], fragments);
    assert!(line.contains(&format!("line {n}:")), "{line}");
    line
}

/// Imports the ledger's export plus one line carrying `record`: it must be
/// added.
fn import_accepted(d: &Desk, key: &Path, record: Record) {
    let mut t = Tail::of(d);
    t.push(&Desk::keypair(key), record);
    let f = d.file("at.jsonl", &t.bytes());
    let v = d.json(&["import", "jsonl", s(&f)]);
    assert_eq!(v["added"], 1, "{v}");
}

/// Slugs `s01`, `s02`, … of the sources [`crowded_desk`] adds.
fn slug(i: usize) -> String {
    format!("s{i:02}")
}

fn source(id: &str, name: &str, affiliations: &[String]) -> Record {
    Record::Source(SourceBody {
        id: id.parse().unwrap(),
        name: name.to_owned(),
        kind: SourceKind::Outlet,
        url: None,
        language: None,
        affiliations: affiliations.iter().map(|a| a.parse().unwrap()).collect(),
        description: None,
    })
}

/// A desk with its usual sources and 34 more, `s01` to `s34`: enough for
/// the longest chain and the most affiliations, with some to spare.
fn crowded_desk() -> Desk {
    let d = Desk::with_sources();
    let editor = Desk::keypair(&d.editor);
    let mut t = Tail::of(&d);
    for i in 1..=MAX_AFFILIATIONS + 2 {
        t.push(&editor, source(&slug(i), &format!("Source {i}"), &[]));
    }
    let f = d.file("sources.jsonl", &t.bytes());
    d.ok(&["import", "jsonl", s(&f)]);
    d
}

fn claim(text: &str, chain: &[String], translations: Vec<Translation>) -> ClaimBody {
    ClaimBody {
        text: text.to_owned(),
        lang: "en".into(),
        quote: None,
        translations,
        chain: hops(chain),
        appeared: Appearance {
            date: "2025-02-18".into(),
            url: None,
            venue: None,
        },
    }
}

fn hops(chain: &[String]) -> Vec<Hop> {
    chain
        .iter()
        .enumerate()
        .map(|(i, src)| Hop {
            source: src.parse().unwrap(),
            relation: if i == 0 {
                HopRelation::Reported
            } else {
                HopRelation::Cited
            },
        })
        .collect()
}

/// `claim add` arguments for a claim through `chain` (publisher first).
fn claim_add_args(text: &str, chain: &[String]) -> Vec<String> {
    let mut a: Vec<String> = ["claim", "add", "--text", text, "--lang", "en"]
        .map(str::to_owned)
        .to_vec();
    a.extend(["--date".into(), "2025-02-18".into()]);
    a.extend(["--publisher".into(), chain[0].clone()]);
    for hop in &chain[1..] {
        a.extend(["--via".into(), hop.clone()]);
    }
    a
}

fn strs(a: &[String]) -> Vec<&str> {
    a.iter().map(String::as_str).collect()
}

#[test]
fn an_attribution_chain_of_16_hops_is_accepted_and_17_refused() {
    let d = crowded_desk();
    let over: Vec<String> = (1..=MAX_CHAIN + 1).map(slug).collect();
    let at = &over[..MAX_CHAIN];
    let bound = format!("the limit is {MAX_CHAIN}");
    let hops_over = format!("{} hops", MAX_CHAIN + 1);
    let fragments = ["body.chain", &hops_over, &bound];
    d.refused(
        Some(&d.editor),
        &strs(&claim_add_args("Too far back", &over)),
        &fragments,
    );
    import_refused(
        &d,
        &d.editor,
        Record::Claim(claim("Too far back", &over, vec![])),
        &fragments,
    );
    // A re-attribution is held to the same bound.
    let target = d.add_claim(&d.editor, "Reattributed later");
    let amendment = |chain: &[String]| {
        Record::Amendment(AmendmentBody {
            target: target.parse().unwrap(),
            change: Change::Reattribute { chain: hops(chain) },
            reason: "Traced further".into(),
        })
    };
    import_refused(
        &d,
        &d.editor,
        amendment(&over),
        &["body.change.chain", &hops_over, &bound],
    );
    d.add(
        &d.editor,
        &strs(&claim_add_args("As far back as allowed", at)),
    );
    import_accepted(
        &d,
        &d.editor,
        Record::Claim(claim("Imported as far back as allowed", at, vec![])),
    );
    import_accepted(&d, &d.editor, amendment(at));
}

/// Translations into `n` distinct languages (none of them English).
fn translations(n: usize, text: &str) -> Vec<Translation> {
    const LANGS: [&str; 20] = [
        "ar", "de", "es", "fa", "fr", "he", "hi", "it", "ja", "ko", "nl", "pl", "pt", "ru", "sv",
        "sw", "tr", "uk", "ur", "zh",
    ];
    LANGS[..n]
        .iter()
        .map(|l| Translation {
            lang: (*l).to_owned(),
            text: format!("{text} ({l})"),
        })
        .collect()
}

#[test]
fn sixteen_translations_are_accepted_and_17_refused() {
    let d = Desk::with_sources();
    let publisher = ["rusi".to_owned()];
    let args = |n: usize, text: &str| {
        let mut a = claim_add_args(text, &publisher);
        for t in translations(n, text) {
            a.extend(["--translation".into(), format!("{}={}", t.lang, t.text)]);
        }
        a
    };
    let bound = format!("at most {MAX_TRANSLATIONS} translations");
    let fragments = ["body.translations", &bound];
    d.refused(
        Some(&d.editor),
        &strs(&args(MAX_TRANSLATIONS + 1, "Too many")),
        &fragments,
    );
    import_refused(
        &d,
        &d.editor,
        Record::Claim(claim(
            "Too many",
            &publisher,
            translations(MAX_TRANSLATIONS + 1, "Too many"),
        )),
        &fragments,
    );
    d.add(
        &d.editor,
        &strs(&args(MAX_TRANSLATIONS, "As many as allowed")),
    );
    import_accepted(
        &d,
        &d.editor,
        Record::Claim(claim(
            "Imported with as many as allowed",
            &publisher,
            translations(MAX_TRANSLATIONS, "Imported"),
        )),
    );
}

#[test]
fn thirty_two_evidence_items_of_2048_bytes_are_accepted_and_more_refused() {
    let d = Desk::with_sources();
    let verdict_args = |claim: &str, evidence: &[String]| {
        let mut a: Vec<String> = [
            "verdict",
            "add",
            claim,
            "--rating",
            "mostly-true",
            "--confidence",
            "70",
            "--rationale",
            "Checked",
        ]
        .map(str::to_owned)
        .to_vec();
        for e in evidence {
            a.extend(["--evidence".into(), e.clone()]);
        }
        a
    };
    let verdict = |claim: &str, evidence: &[String]| {
        Record::Verdict(VerdictBody {
            claim: claim.parse().unwrap(),
            rating: Rating::MostlyTrue,
            confidence: 70,
            rationale: "Checked".into(),
            evidence: evidence.to_vec(),
            supersedes: None,
            review: None,
        })
    };
    let items =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("https://example.org/{i}")).collect() };
    let c = d.add_claim(&d.editor, "Rated once per test case");
    let bound = format!("at most {MAX_EVIDENCE} items");
    let fragments = ["body.evidence", &bound];
    d.refused(
        Some(&d.checker),
        &strs(&verdict_args(&c, &items(MAX_EVIDENCE + 1))),
        &fragments,
    );
    import_refused(
        &d,
        &d.checker,
        verdict(&c, &items(MAX_EVIDENCE + 1)),
        &fragments,
    );
    // One item one byte past the longest.
    let long = |n: usize| format!("https://example.org/{}", "e".repeat(n - 20));
    assert_eq!(long(MAX_URL).len(), MAX_URL);
    let over = format!("{} bytes", MAX_URL + 1);
    let bound = format!("the limit is {MAX_URL}");
    let fragments = ["body.evidence[0]", &over, &bound];
    d.refused(
        Some(&d.checker),
        &strs(&verdict_args(&c, &[long(MAX_URL + 1)])),
        &fragments,
    );
    import_refused(
        &d,
        &d.checker,
        verdict(&c, &[long(MAX_URL + 1)]),
        &fragments,
    );
    // At the bounds: a different claim each time, as one checker rates a
    // claim once unless the new verdict supersedes the old.
    let mut at = items(MAX_EVIDENCE);
    at[0] = long(MAX_URL);
    let c1 = d.add_claim(&d.editor, "Rated from the command line");
    d.add(&d.checker, &strs(&verdict_args(&c1, &at)));
    let c2 = d.add_claim(&d.editor, "Rated by an imported verdict");
    import_accepted(&d, &d.checker, verdict(&c2, &at));
}

#[test]
fn thirty_two_affiliations_are_accepted_and_33_refused() {
    let d = crowded_desk();
    let over: Vec<String> = (1..=MAX_AFFILIATIONS + 1).map(slug).collect();
    let at = &over[..MAX_AFFILIATIONS];
    let args = |id: &str, affiliations: &[String]| {
        let mut a: Vec<String> = [
            "source", "add", id, "--name", "Umbrella", "--kind", "outlet",
        ]
        .map(str::to_owned)
        .to_vec();
        for x in affiliations {
            a.extend(["--affiliation".into(), x.clone()]);
        }
        a
    };
    let bound = format!("at most {MAX_AFFILIATIONS} affiliations");
    let fragments = ["body.affiliations", &bound];
    d.refused(Some(&d.editor), &strs(&args("umbrella", &over)), &fragments);
    import_refused(
        &d,
        &d.editor,
        source("umbrella", "Umbrella", &over),
        &fragments,
    );
    d.add(&d.editor, &strs(&args("umbrella", at)));
    import_accepted(&d, &d.editor, source("holding", "Holding", at));
}

#[test]
fn names_of_1024_bytes_and_urls_of_2048_are_accepted_and_one_more_refused() {
    let d = Desk::with_sources();
    let editor = &d.editor;
    let add = |id: &str, name: &str, url: Option<&str>| {
        let mut a: Vec<String> = ["source", "add", id, "--name", name, "--kind", "outlet"]
            .map(str::to_owned)
            .to_vec();
        if let Some(u) = url {
            a.extend(["--url".into(), u.to_owned()]);
        }
        a
    };
    let with_url = |id: &str, name: &str, url: &str| {
        let Record::Source(mut b) = source(id, name, &[]) else {
            unreachable!()
        };
        b.url = Some(url.to_owned());
        Record::Source(b)
    };
    // Multi-byte names are measured in bytes: 512 Arabic letters are 1024.
    let name_at = "ب".repeat(MAX_NAME / 2);
    let name_over = format!("{name_at}x");
    let over = format!("{} bytes", MAX_NAME + 1);
    let bound = format!("the limit is {MAX_NAME}");
    let fragments = ["body.name", &over, &bound];
    d.refused(
        Some(editor),
        &strs(&add("long-name", &name_over, None)),
        &fragments,
    );
    import_refused(&d, editor, source("long-name", &name_over, &[]), &fragments);
    let url = |n: usize| format!("https://example.org/{}", "u".repeat(n - 20));
    let over = format!("{} bytes", MAX_URL + 1);
    let bound = format!("the limit is {MAX_URL}");
    let fragments = ["body.url", &over, &bound];
    d.refused(
        Some(editor),
        &strs(&add("long-url", "Long URL", Some(&url(MAX_URL + 1)))),
        &fragments,
    );
    import_refused(
        &d,
        editor,
        with_url("long-url", "Long URL", &url(MAX_URL + 1)),
        &fragments,
    );
    d.add(
        editor,
        &strs(&add("long-name", &name_at, Some(&url(MAX_URL)))),
    );
    import_accepted(&d, editor, with_url("long-name-2", &name_at, &url(MAX_URL)));
}

/// A claim whose signed line is exactly `size` bytes long: the text and
/// all but the last translation at their longest, the last one padded to
/// make up the size (a line grows by one byte per ASCII letter).
fn claim_of_line_size(d: &Desk, key: &KeyPair, size: usize) -> Record {
    let record = |last: usize| {
        let full = "a".repeat(MAX_TEXT);
        // The text and 15 translations at their longest would pass 1 MiB.
        let mut ts = translations(MAX_ENTRY_BYTES / MAX_TEXT - 1, "");
        for t in &mut ts {
            t.text.clone_from(&full);
        }
        ts.last_mut().unwrap().text = "a".repeat(last);
        let mut c = claim(&full, &["rusi".to_owned()], ts);
        c.quote = None;
        Record::Claim(c)
    };
    let t = Tail::of(d);
    let probe = signed_line(t.seq, t.prev, key, record(1)).len();
    let last = (size + 1).checked_sub(probe).expect("size is reachable");
    assert!(last <= MAX_TEXT, "{last}");
    let r = record(last);
    assert_eq!(signed_line(t.seq, t.prev, key, r.clone()).len(), size);
    r
}

#[test]
fn an_entry_of_1_mib_is_accepted_and_one_byte_more_refused() {
    let d = Desk::with_sources();
    let editor = Desk::keypair(&d.editor);
    // Too large from the command line: a long text and 16 long translations.
    let f = d.file("long.txt", "a".repeat(MAX_TEXT).as_bytes());
    let mut args: Vec<String> = [
        "claim",
        "add",
        "--text-file",
        s(&f),
        "--lang",
        "en",
        "--publisher",
        "rusi",
        "--date",
        "2025-02-18",
    ]
    .map(str::to_owned)
    .to_vec();
    for t in translations(MAX_TRANSLATIONS, "") {
        args.extend([
            "--translation".into(),
            format!("{}={}", t.lang, "a".repeat(MAX_TEXT)),
        ]);
    }
    let bound = format!("the limit is {MAX_ENTRY_BYTES}");
    d.refused(Some(&d.editor), &strs(&args), &["entry", &bound]);
    let over = claim_of_line_size(&d, &editor, MAX_ENTRY_BYTES + 1);
    let size = format!("is {} bytes", MAX_ENTRY_BYTES + 1);
    import_refused(&d, &d.editor, over, &["field `entry`", &size, &bound]);
    let at = claim_of_line_size(&d, &editor, MAX_ENTRY_BYTES);
    import_accepted(&d, &d.editor, at);
    assert_eq!(
        d.export_lines().last().unwrap().len(),
        MAX_ENTRY_BYTES,
        "the ledger holds the line as imported"
    );
}

#[test]
fn an_import_line_longer_than_an_entry_is_refused_without_reading_it_all() {
    let d = Desk::with_sources();
    let over = format!("line is longer than the {MAX_ENTRY_BYTES}-byte limit");
    // Eight times the limit, and no newline at all.
    let f = d.file("long-line.jsonl", &vec![b'x'; 8 * MAX_ENTRY_BYTES]);
    d.refused(None, &["import", "jsonl", s(&f)], &["line 1:", &over]);
    // After good lines, the number of the long one is named.
    let mut bytes = d.state().export;
    let n = d.export_lines().len() + 1;
    bytes.extend(vec![b'{'; MAX_ENTRY_BYTES + 2]);
    bytes.push(b'\n');
    let f = d.file("late-long-line.jsonl", &bytes);
    d.refused(
        None,
        &["import", "jsonl", s(&f)],
        &[&format!("line {n}:"), &over],
    );
    let o = d.out(&["verify", "--export", s(&f)]);
    let line = common::error_line(&o, 1);
    assert!(line.contains(&over), "{line}");
    // An endless input: the import stops at the limit and says why.
    #[cfg(unix)]
    {
        d.refused(None, &["import", "jsonl", "/dev/zero"], &["line 1:", &over]);
        let o = d.out(&["verify", "--export", "/dev/zero"]);
        let line = common::error_line(&o, 1);
        assert!(line.contains(&over), "{line}");
    }
}

#[test]
fn a_text_file_is_read_only_up_to_a_bound() {
    let d = Desk::with_sources();
    // A text may shrink under NFC and loses its trailing newlines, so the
    // file may be larger than the text, up to four times the text limit.
    let limit = 4 * MAX_TEXT;
    let mut at = "a".repeat(MAX_TEXT).into_bytes();
    at.resize(limit, b'\n');
    let mut over = at.clone();
    over.push(b'\n');
    let args = |f: &Path| {
        claim_add_args("unused", &["rusi".to_owned()])
            .into_iter()
            .map(|a| {
                if a == "--text" {
                    "--text-file".into()
                } else {
                    a
                }
            })
            .map(|a| if a == "unused" { s(f).to_owned() } else { a })
            .collect::<Vec<String>>()
    };
    let bound = format!("larger than {limit} bytes");
    let f = d.file("over.txt", &over);
    d.refused(Some(&d.editor), &strs(&args(&f)), &[s(&f), &bound]);
    #[cfg(unix)]
    d.refused(
        Some(&d.editor),
        &strs(&args(Path::new("/dev/zero"))),
        &["/dev/zero", &bound],
    );
    let f = d.file("at.txt", &at);
    d.add(&d.editor, &strs(&args(&f)));
}
