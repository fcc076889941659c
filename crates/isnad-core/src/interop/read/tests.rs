//! Reading published markup: each kind of mess real pages have.

use serde_json::json;

use super::*;

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn one(input: &str) -> Review {
    let r = read(input, &opts()).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.reviews.len(), 1, "{:?}", r.reviews);
    r.reviews.into_iter().next().unwrap()
}

fn review(extra: serde_json::Value) -> serde_json::Value {
    let mut base = json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example/2025/officers",
        "claimReviewed": "Officers are training in Russia",
        "datePublished": "2025-02-20",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5,
                         "worstRating": 1, "alternateName": "Mostly false"},
        "itemReviewed": {"@type": "Claim",
                         "author": {"@type": "Organization", "name": "Fawasel Media"},
                         "datePublished": "2025-02-17"}
    });
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            if v.is_null() {
                b.remove(k);
            } else {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    base
}

#[test]
fn a_plain_review() {
    let r = one(&review(json!({})).to_string());
    assert_eq!(r.at, "$");
    assert_eq!(r.url, "https://factcheck.example/2025/officers");
    assert_eq!(r.claims, ["Officers are training in Russia"]);
    assert_eq!(r.lang, "und");
    assert_eq!(r.originator.name, "Fawasel Media");
    assert_eq!(r.originator.kind, SourceKind::Organization);
    assert_eq!(r.publisher, None);
    assert_eq!(r.appeared_on, "2025-02-17");
    assert_eq!(r.rating.rating, Rating::MostlyFalse);
    assert_eq!(r.rating.value, Some((2.0, 1.0, 5.0)));
    assert_eq!(r.reviewer.as_deref(), Some("Example Fact Check"));
    assert_eq!(r.reviewed_on.as_deref(), Some("2025-02-20"));
}

#[test]
fn nodes_in_a_graph_without_context_with_references() {
    let doc = json!({"@graph": [
        {"@id": "https://factcheck.example/#org", "@type": "Organization",
         "name": "Example &amp; Co Fact Check"},
        {"@type": "WebPage", "@id": "https://factcheck.example/2025/x"},
        {"@id": "#claimant", "@type": "Person", "name": "  Jane\n   Doe "},
        {"@type": ["ClaimReview"], "url": "https://factcheck.example/2025/x",
         "author": {"@id": "https://factcheck.example/#org"},
         "claimReviewed": "A claim",
         "itemReviewed": {"@type": "Claim", "author": {"@id": "#claimant"}},
         "datePublished": "2025-03-01T10:00:00+02:00",
         "reviewRating": {"@type": "Rating", "alternateName": "Falso"}}
    ]});
    let r = one(&doc.to_string());
    assert_eq!(r.at, "$.@graph[3]");
    assert_eq!(r.reviewer.as_deref(), Some("Example & Co Fact Check"));
    assert_eq!(r.originator.name, "Jane Doe");
    assert_eq!(r.originator.kind, SourceKind::Person);
    // The claim's only date is the review's, at +02:00: it keeps its own
    // date (a time at an offset is not made UTC, which could change the
    // day).
    assert_eq!(r.appeared_on, "2025-03-01");
    assert_eq!(r.rating.rating, Rating::False);
    assert_eq!(r.rating.value, None);
}

#[test]
fn claim_reviewed_as_an_array_makes_one_claim_per_text() {
    let r = one(&review(
        json!({"claimReviewed": ["First wording", " First   wording ", "Second wording"]}),
    )
    .to_string());
    assert_eq!(r.claims, ["First wording", "Second wording"]);
    // The Claim's own full text wins over the shortened one.
    let r = one(&review(json!({"claimReviewed": "Short…",
            "itemReviewed": {"@type": "Claim", "text": "The whole &quot;claim&quot; text",
                             "datePublished": "2025-01-01"}}))
    .to_string());
    assert_eq!(r.claims, ["The whole \"claim\" text"]);
}

#[test]
fn prefixed_and_wrapped_properties() {
    let doc = json!({
        "@context": {"schema": "http://schema.org/"},
        "@type": "schema:ClaimReview",
        "schema:url": {"@value": "https://factcheck.example/a"},
        "http://schema.org/claimReviewed": [{"@value": "Wrapped claim"}],
        "schema:datePublished": "2025-02-02",
        "schema:reviewRating": {"schema:ratingValue": "5", "schema:bestRating": "5",
                                "schema:worstRating": "1"}
    });
    let r = one(&doc.to_string());
    assert_eq!(r.url, "https://factcheck.example/a");
    assert_eq!(r.claims, ["Wrapped claim"]);
    assert_eq!(r.rating.rating, Rating::True);
    // Nobody named: the claim is unattributed.
    assert_eq!(r.originator.kind, SourceKind::Anonymous);
}

#[test]
fn site_relative_urls_resolve_against_the_review_or_the_base() {
    let doc = review(json!({
        "url": "/2025/relative",
        "@id": "https://factcheck.example/2025/relative#review",
        "itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
            "appearance": {"@type": "CreativeWork", "url": "/posts/1",
                           "author": {"@type": "Person", "name": "A Poster",
                                      "url": "//social.example/poster"}}}
    }));
    let r = one(&doc.to_string());
    assert_eq!(r.url, "https://factcheck.example/2025/relative");
    assert_eq!(
        r.appeared_at.as_deref(),
        Some("https://factcheck.example/posts/1")
    );
    // No claim author: the appearance's author is the originator.
    assert_eq!(r.originator.name, "A Poster");
    assert_eq!(
        r.originator.url.as_deref(),
        Some("https://social.example/poster")
    );

    let no_base = review(json!({"url": "/2025/relative"})).to_string();
    let read1 = read(&no_base, &opts()).unwrap();
    assert!(read1.reviews.is_empty());
    assert!(
        read1.problems[0].reason.contains("--base-url"),
        "{:?}",
        read1.problems
    );
    let with_base = ReadOptions {
        base_url: Some(url::Url::parse("https://other.example/dir/page").unwrap()),
        ..opts()
    };
    let r = read(&no_base, &with_base).unwrap().reviews.remove(0);
    assert_eq!(r.url, "https://other.example/2025/relative");
}

#[test]
fn a_publisher_other_than_the_author_is_the_first_hop() {
    let doc = review(
        json!({"itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
        "author": {"@type": "Person", "name": "A Speaker", "identifier": "a-speaker"},
        "firstAppearance": {"@type": "CreativeWork", "url": "https://news.example/1",
            "headline": "Interview",
            "publisher": {"@type": "NewsMediaOrganization", "name": "News Example"}}}}),
    );
    let r = one(&doc.to_string());
    assert_eq!(
        r.originator.slug.as_ref().map(SourceId::as_str),
        Some("a-speaker")
    );
    let p = r.publisher.unwrap();
    assert_eq!(
        (p.name.as_str(), p.kind),
        ("News Example", SourceKind::Outlet)
    );
    assert_eq!(r.venue.as_deref(), Some("Interview"));
}

#[test]
fn ratings_by_number_then_words_then_unverifiable() {
    let rated = |rating: serde_json::Value| {
        one(&review(json!({"reviewRating": rating})).to_string()).rating
    };
    // A number outside its scale (-1 is "not rated" on some sites) falls
    // back to the words.
    let r = rated(json!({"ratingValue": -1, "bestRating": 5, "worstRating": 1,
                         "alternateName": "Engañoso"}));
    assert_eq!(r.rating, Rating::MostlyFalse);
    // Words no table knows: unverifiable, words kept.
    let r = rated(json!({"alternateName": "Four Pinocchios and a half"}));
    assert_eq!(r.rating, Rating::Unverifiable);
    assert!(r.unmapped);
    assert_eq!(r.words.as_deref(), Some("Four Pinocchios and a half"));
    // A number without its scale is not used.
    let r = rated(json!({"ratingValue": 1, "alternateName": "True"}));
    assert_eq!(r.rating, Rating::True);
    // Hindi and Arabic words.
    assert_eq!(
        rated(json!({"alternateName": "भ्रामक"})).rating,
        Rating::MostlyFalse
    );
    assert_eq!(
        rated(json!({"alternateName": "مفبرك"})).rating,
        Rating::False
    );
}

#[test]
fn bad_reviews_are_problems_with_their_position() {
    let doc = json!([
        review(json!({})),
        review(json!({"reviewRating": null})),
        review(json!({"claimReviewed": "   ", "itemReviewed": {"@type": "Claim"}})),
        review(json!({"datePublished": null, "itemReviewed": {"@type": "Claim"}})),
        review(json!({"datePublished": "May 3, 2024", "itemReviewed": {"@type": "Claim"}})),
        review(json!({"url": null})),
        review(json!({"url": "ftp://x.example/"})),
        review(json!({"itemReviewed": {"@id": "#missing"}})),
        review(json!({"reviewRating": {"@type": "Rating"}})),
        review(
            json!({"itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
                      "author": {"@type": "Person"}}})
        ),
    ]);
    let r = read(&doc.to_string(), &opts()).unwrap();
    assert_eq!(r.reviews.len(), 2);
    // An author with no name is no author: the claim is unattributed, not
    // refused.
    assert_eq!(r.reviews[1].at, "$[9]");
    assert_eq!(r.reviews[1].originator.kind, SourceKind::Anonymous);
    assert!(r.reviews[1].originator.name.starts_with("Unattributed"));
    let got: Vec<String> = r.problems.iter().map(ToString::to_string).collect();
    let expect = [
        ("$[1]", "no reviewRating"),
        ("$[2]", "no claim"),
        ("$[3]", "no date"),
        ("$[4]", "`May 3, 2024` is not an ISO 8601 date"),
        ("$[5]", "no url"),
        ("$[6]", "not an http(s) URL"),
        ("$[7]", "`#missing`, which is not in the document"),
        ("$[8]", "neither a ratingValue nor words"),
    ];
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    for (line, (at, words)) in got.iter().zip(expect) {
        assert!(line.starts_with(&format!("{at}: ")), "{line}");
        assert!(line.contains(words), "{line} lacks {words}");
        assert!(!line.contains('\n'));
    }
}

#[test]
fn documents_with_no_review_are_problems_and_garbage_is_an_error() {
    let r = read(r#"{"@type": "WebPage", "name": "x"}"#, &opts()).unwrap();
    assert_eq!(r.problems.len(), 1);
    assert!(r.problems[0].reason.contains("no ClaimReview"));
    for bad in ["", "   ", "{", "not json", "[1, 2"] {
        assert!(
            matches!(read(bad, &opts()), Err(Error::Json { .. })),
            "{bad:?}"
        );
    }
    assert!(read("<html><body>no markup</body></html>", &opts()).is_err());
}

#[test]
fn json_lines_and_html_pages() {
    let a = review(json!({})).to_string();
    let b = review(json!({"url": "https://factcheck.example/b"})).to_string();
    let r = read(&format!("{a}\n{b}\n"), &opts()).unwrap();
    let at: Vec<&str> = r.reviews.iter().map(|r| r.at.as_str()).collect();
    assert_eq!(at, ["document 1: $", "document 2: $"]);

    let page = format!(
        "<!doctype html><html><head><title>x</title>\n\
         <script type=\"text/javascript\">var x = {{}};</script>\n\
         <SCRIPT TYPE=\"application/ld+json\">{a}</SCRIPT>\n\
         <script type='application/ld+json'>{{ broken </script>\n\
         <script type='application/ld+json'>{{\"@type\": \"ClaimReview\", </script>\n\
         </head><body></body></html>"
    );
    let r = read(&page, &opts()).unwrap();
    assert_eq!(r.reviews.len(), 1);
    assert_eq!(r.reviews[0].at, "script 1: $");
    // A broken block that holds no review is passed over; one that does is
    // a problem.
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].at == "script 3" && r.problems[0].reason.contains("malformed JSON"));
}

#[test]
fn pages_other_blocks_are_not_reviews_and_references_cross_blocks() {
    let page = r#"<html lang="de-de"><head>
        <script type="application/ld+json">{"@type": "WebSite", "name": "Checks"}</script>
        <script type="application/ld+json">{"@graph": [{"@type": "BreadcrumbList"},
            {"@type": "Organization", "@id": "https://checks.example/#org", "name": "Checks"}]}</script>
        <script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>
        <script type="application/ld+json">{"@type": "ClaimReview",
            "url": "https://checks.example/1", "claimReviewed": "Ein Satz",
            "author": {"@id": "https://checks.example/#org"},
            "datePublished": "2025-01-02",
            "reviewRating": {"@type": "Rating", "alternateName": "Falsch"}}</script>
        </head></html>"#;
    let r = read(page, &opts()).unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.reviews.len(), 1);
    let review = &r.reviews[0];
    assert_eq!(review.at, "script 4: $");
    // The author is defined in another block.
    assert_eq!(review.reviewer.as_deref(), Some("Checks"));
    // The page's language, the markup having none.
    assert_eq!(review.lang, "de-DE");
}

#[test]
fn a_late_evening_time_at_an_offset_keeps_its_day() {
    let r = one(&review(json!({"itemReviewed": {"@type": "Claim",
        "author": {"@type": "Organization", "name": "Fawasel Media"},
        "datePublished": "2025-03-01T01:30:00+03:00"}}))
    .to_string());
    assert_eq!(r.appeared_on, "2025-03-01");
}

#[test]
fn a_page_cut_off_in_its_review_block_says_so() {
    let page = r#"<html><head>
        <script type="application/ld+json">{"@type": "WebPage"}</script>
        <script type="application/ld+json">{"@type": "ClaimReview", "url": "https://x.example/1",
            "claimReviewed": "A"#;
    let r = read(page, &opts()).unwrap();
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].at, "script 2");
    assert!(r.problems[0].reason.contains("cut off"), "{:?}", r.problems);
    // With no review block at all, the page's blocks are named.
    let page = r#"<html><script type="application/ld+json">{"@type": "WebPage"}</script>
        <script type="application/ld+json">{"@type": "Breadc"#;
    let r = read(page, &opts()).unwrap();
    assert_eq!(r.problems.len(), 1);
    let reason = &r.problems[0].reason;
    assert!(
        reason.contains("no ClaimReview") && reason.contains("WebPage"),
        "{reason}"
    );
    assert!(reason.contains("cut off"), "{reason}");
}

#[test]
fn fact_check_tools_responses() {
    let doc = json!({"claims": [
        {"text": "Claim one", "claimant": "Viral Facebook posts", "claimDate": "2024-06-01T00:00:00Z",
         "claimReview": [
            {"publisher": {"name": "Checker A", "site": "a.example"},
             "url": "https://a.example/1", "title": "Title &amp; more",
             "reviewDate": "2024-06-03T00:00:00Z", "textualRating": "Falso",
             "languageCode": "es"},
            {"publisher": {"site": "b.example"}, "url": "https://b.example/1",
             "reviewDate": "2024-06-04T00:00:00Z", "textualRating": "Something else"}]},
        {"text": "Claim two", "claimReview": []},
        {"claimReview": [{"url": "https://c.example/1", "textualRating": "True"}]}
    ], "nextPageToken": "x"});
    let r = read(&doc.to_string(), &opts()).unwrap();
    assert_eq!(r.reviews.len(), 2);
    let a = &r.reviews[0];
    assert_eq!(a.at, "$.claims[0].claimReview[0]");
    assert_eq!(a.originator.kind, SourceKind::SocialAccount);
    assert_eq!(a.appeared_on, "2024-06-01");
    assert_eq!(a.rating.rating, Rating::False);
    assert_eq!(a.lang, "es");
    assert_eq!(a.body.as_deref(), Some("Title & more"));
    assert_eq!(a.reviewer.as_deref(), Some("Checker A"));
    let b = &r.reviews[1];
    assert_eq!(b.reviewer.as_deref(), Some("b.example"));
    assert!(b.rating.unmapped);
    let problems: Vec<String> = r.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("$.claims[1]: no claimReview"));
    assert!(problems[1].starts_with("$.claims[2].claimReview[0]: no claim text"));
}

#[test]
fn reading_never_panics_on_odd_shapes() {
    let odd = [
        json!({"@type": "ClaimReview"}),
        json!({"@type": "ClaimReview", "claimReviewed": 5, "url": 7}),
        json!({"@type": "ClaimReview", "reviewRating": "False", "itemReviewed": "x"}),
        json!({"@type": 3, "claimReviewed": ["x"]}),
        json!({"claims": "no"}),
        json!({"claims": [1, null, {"claimReview": [null, 3]}]}),
        json!({"@graph": {"@type": "ClaimReview", "author": [null, {"@id": "#a"}]}}),
        json!([[[{"@type": "ClaimReview", "url": "https://x.example", "claimReviewed": "c",
                  "datePublished": "2025-01-01", "reviewRating": {"alternateName": ""},
                  "itemReviewed": {"author": {"@id": "self", "name": "Self"}}}]]]),
        json!(null),
        json!("text"),
    ];
    for doc in odd {
        let r = read(&doc.to_string(), &opts()).unwrap();
        for p in &r.problems {
            assert!(!p.to_string().contains('\n'), "{p}");
        }
    }
}

#[test]
fn the_claim_url_and_language_tags_as_published() {
    // itemReviewed.url is where the claim is, when no appearance says.
    let r = one(&review(json!({"itemReviewed": {"@type": "Claim",
        "url": "social.example/post/9", "datePublished": "2025-01-01",
        "inLanguage": "en_US"}}))
    .to_string());
    assert_eq!(
        r.appeared_at.as_deref(),
        Some("https://social.example/post/9")
    );
    assert_eq!(r.lang, "en-US");
    // An appearance given as a bare URL.
    let r = one(&review(json!({"itemReviewed": {"@type": "Claim",
        "firstAppearance": "https://social.example/post/10", "datePublished": "2025-01-01"}}))
    .to_string());
    assert_eq!(
        r.appeared_at.as_deref(),
        Some("https://social.example/post/10")
    );
    // HTML in the claim text is not kept.
    let r = one(
        &review(json!({"claimReviewed": "<p>Officers <b>train</b> in Russia</p>"})).to_string(),
    );
    assert_eq!(r.claims, ["Officers train in Russia"]);
}

#[test]
fn claimant_placeholders_and_platforms_are_not_identities() {
    let r = one(&review(
        json!({"itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
        "author": {"@type": "Person", "name": "Facebook user", "url": "/"}}}),
    )
    .to_string());
    assert_eq!(r.originator.kind, SourceKind::SocialAccount);
    assert_eq!(r.originator.url, None);
    let r = one(&review(
        json!({"itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
        "author": {"@type": "Person", "name": "Ahmed", "url": "https://www.facebook.com/ahmed"}}}),
    )
    .to_string());
    assert_eq!(r.originator.kind, SourceKind::Person);
    assert_eq!(r.originator.url, None);
    let r = one(&review(
        json!({"itemReviewed": {"@type": "Claim", "datePublished": "2025-01-01",
        "author": {"@type": "Organization", "name": "x.com"}}}),
    )
    .to_string());
    assert_eq!(r.originator.name, "Unnamed account on x.com");
    assert_eq!(r.originator.kind, SourceKind::SocialAccount);
}
