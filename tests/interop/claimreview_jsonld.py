"""Checks an `isnad export claimreview` file with a JSON-LD processor.

Usage: python3 claimreview_jsonld.py EXPORT.json

PyLD (the JSON-LD 1.1 processor for Python) expands every review, and every
field a ClaimReview consumer reads must come out of the expansion with its
value intact: url, claimReviewed, reviewRating (ratingValue, bestRating,
worstRating, alternateName), itemReviewed as a Claim (text, author,
appearance, firstAppearance, datePublished), author and datePublished. A
field that a consumer would not see (a misspelt term, a missing context, a
value of the wrong shape) fails the check.

The tests run without network access, so the document loader serves the
schema.org context from here: a stand-in with what the real one gives these
properties, its vocabulary (`http://schema.org/`) and the `@id` coercion of
URL-valued terms. Exit 0 when every review holds, 1 (naming the review and
field) when one does not, 2 on unusable input.
"""

import json
import sys

try:
    from pyld import jsonld
except ImportError:
    sys.exit(
        "claimreview_jsonld.py needs PyLD: pip install -r tests/interop/requirements.txt"
    )

S = "http://schema.org/"

SCHEMA_CONTEXT = {
    "@context": {
        "@vocab": S,
        "schema": S,
        "url": {"@id": "schema:url", "@type": "@id"},
        "sameAs": {"@id": "schema:sameAs", "@type": "@id"},
        "additionalType": {"@id": "schema:additionalType", "@type": "@id"},
    }
}


def loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": SCHEMA_CONTEXT,
        }
    raise jsonld.JsonLdError(
        "no network in tests: unknown context " + url, "loading document failed"
    )


class Failed(Exception):
    pass


def values(node, prop):
    return node.get(S + prop, [])


def one(node, prop, where):
    got = values(node, prop)
    if len(got) != 1:
        raise Failed(f"{where}: {prop}: expected one value, expansion has {len(got)}")
    return got[0]


def literal(node, prop, where):
    v = one(node, prop, where)
    if "@value" not in v:
        raise Failed(f"{where}: {prop}: expected a literal, got {v}")
    return v["@value"]


def iri(node, prop, where):
    v = one(node, prop, where)
    if "@id" not in v:
        raise Failed(f"{where}: {prop}: expected an IRI, got {v}")
    return v["@id"]


def typed(node, t, where):
    if S + t not in node.get("@type", []):
        raise Failed(f"{where}: expected @type {t}, got {node.get('@type')}")


def same(where, prop, got, want):
    if got != want:
        raise Failed(f"{where}: {prop}: expansion has {got!r}, the export {want!r}")


def party(node, given, where):
    same(where, "name", literal(node, "name", where), given["name"])
    typed(node, given["@type"], where)
    if "url" in given:
        same(where, "url", iri(node, "url", where), given["url"])


def appearance(node, given, where):
    typed(node, "CreativeWork", where)
    same(where, "datePublished", literal(node, "datePublished", where), given["datePublished"])
    if "url" in given:
        same(where, "url", iri(node, "url", where), given["url"])
    party(one(node, "author", where), given["author"], where + ".author")


def check(review, given):
    where = given["@id"]
    typed(review, "ClaimReview", where)
    if "url" in given:
        same(where, "url", iri(review, "url", where), given["url"])
    same(where, "claimReviewed", literal(review, "claimReviewed", where), given["claimReviewed"])
    same(where, "datePublished", literal(review, "datePublished", where), given["datePublished"])
    party(one(review, "author", where), given["author"], where + ".author")

    rating = one(review, "reviewRating", where)
    g = given["reviewRating"]
    w = where + ".reviewRating"
    typed(rating, "Rating", w)
    for prop in ("bestRating", "worstRating", "alternateName"):
        same(w, prop, literal(rating, prop, w), g[prop])
    if "ratingValue" in g:
        same(w, "ratingValue", literal(rating, "ratingValue", w), g["ratingValue"])

    claim = one(review, "itemReviewed", where)
    g = given["itemReviewed"]
    w = where + ".itemReviewed"
    typed(claim, "Claim", w)
    same(w, "@id", claim.get("@id"), g["@id"])
    same(w, "text", literal(claim, "text", w), g["text"])
    same(w, "datePublished", literal(claim, "datePublished", w), g["datePublished"])
    party(one(claim, "author", w), g["author"], w + ".author")
    appearance(one(claim, "firstAppearance", w), g["firstAppearance"], w + ".firstAppearance")
    apps = values(claim, "appearance")
    same(w, "appearance count", len(apps), len(g["appearance"]))
    for i, (a, ga) in enumerate(zip(apps, g["appearance"])):
        appearance(a, ga, f"{w}.appearance[{i}]")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            given = json.load(f)
    except (OSError, ValueError) as e:
        print(f"claimreview_jsonld.py: {argv[1]}: {e}", file=sys.stderr)
        return 2
    if not isinstance(given, list) or not given:
        print("claimreview_jsonld.py: expected a non-empty JSON array", file=sys.stderr)
        return 2
    expanded = jsonld.expand(given, {"documentLoader": loader})
    by_id = {node.get("@id"): node for node in expanded}
    try:
        for review in given:
            node = by_id.get(review.get("@id"))
            if node is None:
                raise Failed(f"{review.get('@id')}: not in the expansion")
            check(node, review)
    except Failed as e:
        print(f"claimreview_jsonld.py: {e}", file=sys.stderr)
        return 1
    print(f"{len(given)} reviews expand with every field intact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
