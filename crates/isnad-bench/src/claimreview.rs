//! A seeded generator of ClaimReview dumps, for measuring
//! `isnad import claimreview` on a million reviews.
//!
//! [`write_dump`] writes a top-level JSON array of `n` reviews in the
//! shapes fact-checkers publish (claimants by name, some generic, some on
//! platforms; ratings in words in several languages, some with numbers),
//! each about 600 bytes. The same `n` always gives the same bytes: review
//! `i` is a function of `i` alone, so nothing is held in memory.

use std::io::Write;

use serde_json::json;

/// Distinct claimants in a dump: sources repeat, as they do in real feeds.
pub const CLAIMANTS: usize = 1_000;

const RATINGS: [&str; 12] = [
    "False",
    "Misleading",
    "Half True",
    "Mostly True",
    "True",
    "Unproven",
    "Satire",
    "Altered",
    "Falso",
    "مضلل",
    "Faux",
    "This is false. The photo is from 2019.",
];

const GENERIC: [&str; 4] = [
    "Facebook users",
    "x.com",
    "Varias fuentes",
    "منشورات فيسبوك",
];

/// Review `i` of a dump, as JSON.
pub fn review(i: usize) -> serde_json::Value {
    let claimant = i % CLAIMANTS;
    let author = match claimant % 10 {
        0 => json!({"@type": "Person", "name": GENERIC[(claimant / 10) % GENERIC.len()]}),
        1..=4 => json!({"@type": "Person", "name": format!("Claimant {claimant}")}),
        _ => json!({"@type": "NewsMediaOrganization", "name": format!("Outlet {claimant}"),
                    "url": format!("https://outlet{claimant}.example/")}),
    };
    let words = RATINGS[i % RATINGS.len()];
    let mut rating = json!({"@type": "Rating", "alternateName": words});
    if i % 3 == 0 {
        rating["ratingValue"] = json!(1 + (i % 5));
        rating["worstRating"] = json!(1);
        rating["bestRating"] = json!(5);
    }
    let lang = ["en", "es", "ar", "fr"][i % 4];
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("https://checks.example/{}/review-{i}", 2020 + i % 6),
        "claimReviewed": format!("Claim number {i}: officials said that {} people attended the event in city {}", i * 7 % 100_000, i % 500),
        "datePublished": format!("2025-{month:02}-{day:02}"),
        "author": {"@type": "Organization", "name": "Checks Desk", "url": "https://checks.example/"},
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "author": author,
            "datePublished": format!("2025-{month:02}-{day:02}"),
            "appearance": {"@type": "CreativeWork", "url": format!("https://social.example/post/{i}")}
        },
        "inLanguage": lang
    })
}

/// Writes `n` reviews as a JSON array, one per line.
///
/// # Errors
/// Write errors.
pub fn write_dump(n: usize, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"[\n")?;
    for i in 0..n {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, &review(i))?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use isnad_core::interop::read::{ReadOptions, read};

    #[test]
    fn a_dump_reads_back_whole_and_the_same_each_time() {
        let mut a = Vec::new();
        write_dump(50, &mut a).unwrap();
        let mut b = Vec::new();
        write_dump(50, &mut b).unwrap();
        assert_eq!(a, b);
        let reading = read(std::str::from_utf8(&a).unwrap(), &ReadOptions::default()).unwrap();
        assert!(reading.problems.is_empty(), "{:?}", reading.problems);
        assert_eq!(reading.reviews.len(), 50);
        assert!(reading.reviews.iter().all(|r| !r.rating.unmapped));
    }
}
