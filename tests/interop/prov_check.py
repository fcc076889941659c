#!/usr/bin/env python3
"""Checks an `isnad export prov` document with the W3C PROV library for Python.

The export is loaded with `prov` (https://pypi.org/project/prov/), which
must read it without a single warning; rendered as PROV-N, which must name
every source and every claim the caller expects; and checked claim by claim
against the attribution chains the caller gives: who each entity is
attributed to, and each derivation's used entity, `prov:type`
(`prov:Quotation` when the hop derived from was quoted, `prov:PrimarySource`
when the used entity is the originator's statement) and `isnad:relation`.
Finally the document makes the round trip through the library's own
PROV-JSON and PROV-N writers and readers with nothing lost.

Usage:

    prov_check.py EXPORT_JSON EXPECTED_JSON

EXPECTED_JSON is an object:

    {
      "sources": ["agenzia-nova", ...],
      "claims": {"<claim entry id>": [{"source": "agenzia-nova", "relation": "reported"}, ...]}
    }

with every standing source's slug and every standing claim's id and chain
(publisher first) as it stands.

Exit status: 0 when everything holds (one summary line on stdout); 1 when a
check fails (one line on stderr saying which); 2 for a usage error or input
that cannot be read; 3 when the `prov` package is missing.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any, NoReturn

REQUIREMENTS = "pip install -r tests/interop/requirements.txt"

try:
    import prov  # noqa: F401
    from prov.model import PROV_ATTRIBUTION, PROV_DERIVATION, ProvAgent, ProvDocument, ProvEntity
except ImportError as e:
    print(
        f"prov_check: error: cannot import the Python package `prov` ({e}): {REQUIREMENTS}",
        file=sys.stderr,
    )
    sys.exit(3)

SRC = "urn:isnad:source:"
ENTRY = "urn:isnad:entry:"
PROV = "http://www.w3.org/ns/prov#"


class CheckFailed(Exception):
    """The export does not say what it should: exit 1."""


class InputError(Exception):
    """Input that cannot be read, or a bad command line: exit 2."""


def fail(why: str) -> NoReturn:
    raise CheckFailed(why)


def quiet(what: str, f: Any) -> Any:
    """Runs `f()`, failing if the `prov` library refuses or warns about anything."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = f()
        except Exception as e:  # the library's own errors, and what it trips on
            fail(f"{what}: the prov library refuses it: {type(e).__name__}: {e}")
    if caught:
        fail(f"{what}: the prov library warns: {caught[0].message}")
    return out


def load_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {e}") from e


def uri(name: Any) -> str:
    """The full URI of a qualified name (or of any identifier)."""
    return getattr(name, "uri", str(name))


def check(export_path: str, expected: dict[str, Any]) -> str:
    sources = expected.get("sources")
    claims = expected.get("claims")
    if not isinstance(sources, list) or not isinstance(claims, dict):
        raise InputError("expected: needs a list `sources` and an object `claims`")
    text = open_text(export_path)

    doc = quiet("reading the export", lambda: ProvDocument.deserialize(content=text, format="json"))
    provn = quiet("rendering PROV-N", doc.get_provn)

    # The PROV-N rendering names every source and every claim.
    for slug in sources:
        if f"agent(src:{slug}," not in provn:
            fail(f"source `{slug}` is not an agent in the PROV-N rendering")
    for cid in claims:
        if f"entity(entry:{cid}," not in provn:
            fail(f"claim {cid} is not an entity in the PROV-N rendering")

    records = doc.get_records()
    agents = {uri(r.identifier) for r in records if isinstance(r, ProvAgent)}
    entities = {uri(r.identifier): r for r in records if isinstance(r, ProvEntity)}
    want_agents = {SRC + s for s in sources}
    if agents != want_agents:
        fail(f"agents missing: {sorted(want_agents - agents)}; that should not be there: {sorted(agents - want_agents)}")
    claim_entities = {
        e for e, r in entities.items() if any(uri(t) == "urn:isnad:vocab:Claim" for t in r.get_asserted_types())
    }
    want_claims = {ENTRY + c for c in claims}
    if claim_entities != want_claims:
        fail(
            f"claim entities missing: {sorted(want_claims - claim_entities)}; "
            f"that should not be there: {sorted(claim_entities - want_claims)}"
        )

    attributed: dict[str, list[str]] = {}
    derived: dict[str, list[Any]] = {}
    for r in records:
        if r.get_type() == PROV_ATTRIBUTION:
            attrs = dict(r.formal_attributes)
            entity = uri(attrs[doc.valid_qualified_name("prov:entity")])
            agent = uri(attrs[doc.valid_qualified_name("prov:agent")])
            attributed.setdefault(entity, []).append(agent)
        elif r.get_type() == PROV_DERIVATION:
            attrs = dict(r.formal_attributes)
            generated = uri(attrs[doc.valid_qualified_name("prov:generatedEntity")])
            derived.setdefault(generated, []).append(r)

    for cid, chain in claims.items():
        check_claim(doc, cid, chain, entities, attributed, derived)

    # The round trip through the library's own PROV-JSON and PROV-N.
    again = quiet("writing PROV-JSON", lambda: doc.serialize(format="json"))
    back = quiet("reading its own PROV-JSON", lambda: ProvDocument.deserialize(content=again, format="json"))
    if len(back.get_records()) != len(records):
        fail(f"PROV-JSON round trip: {len(records)} records became {len(back.get_records())}")
    if back != doc:
        fail("PROV-JSON round trip: the document read back differs")
    parsed = quiet("reading the PROV-N", lambda: ProvDocument.deserialize(content=provn, format="provn"))
    if len(parsed.get_records()) != len(records):
        fail(f"PROV-N round trip: {len(records)} records became {len(parsed.get_records())}")
    if parsed != doc:
        fail("PROV-N round trip: the document read back differs")

    return (
        f"ok: {len(agents)} agents, {len(entities)} entities, {len(records)} records; "
        f"PROV-N names {len(sources)} sources and {len(claims)} claims"
    )


def open_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {e}") from e


def check_claim(
    doc: ProvDocument,
    cid: str,
    chain: list[dict[str, str]],
    entities: dict[str, Any],
    attributed: dict[str, list[str]],
    derived: dict[str, list[Any]],
) -> None:
    """The entities, attributions and derivations of one claim, from its chain."""
    n = len(chain)
    if n == 0:
        raise InputError(f"expected: claim {cid} has an empty chain")

    claim = f"{ENTRY}{cid}"

    def entity(k: int) -> str:
        """What hop k passed on: the appearance (the publisher's), a relay (a
        middle hop's), or the claim itself (the originator's statement)."""
        if k == 0:
            return f"{ENTRY}{cid}/appearance"
        if k >= n - 1:
            return claim
        return f"{ENTRY}{cid}/hop/{k}"

    # Who each entity is attributed to.
    want = [(entity(0), chain[0]["source"]), (claim, chain[-1]["source"])]
    want += [(entity(k), chain[k]["source"]) for k in range(1, n - 1)]
    for e, slug in want:
        if e not in entities:
            fail(f"claim {cid}: no entity {e}")
        if attributed.get(e) != [SRC + slug]:
            fail(f"claim {cid}: {e} is attributed to {attributed.get(e)}, not {SRC + slug}")

    # The derivations, from the publisher's appearance to the claim.
    quotation = doc.valid_qualified_name("prov:Quotation")
    primary = doc.valid_qualified_name("prov:PrimarySource")
    relation_name = doc.valid_qualified_name("isnad:relation")
    for k in range(max(n - 1, 1)):
        hop = chain[min(k + 1, n - 1)]
        generated, used = entity(k), entity(k + 1)
        found = derived.get(generated, [])
        if len(found) != 1:
            fail(f"claim {cid}: {len(found)} derivations of {generated}, not 1")
        r = found[0]
        attrs = dict(r.formal_attributes)
        got_used = uri(attrs[doc.valid_qualified_name("prov:usedEntity")])
        if got_used != used:
            fail(f"claim {cid}: {generated} is derived from {got_used}, not {used}")
        want_types = set()
        if hop["relation"] == "quoted":
            want_types.add(quotation)
        if used == claim:
            want_types.add(primary)
        types = set(r.get_asserted_types())
        if types != want_types:
            fail(
                f"claim {cid}: the derivation of {generated} has types "
                f"{sorted(map(str, types))}, not {sorted(map(str, want_types))}"
            )
        relations = [str(v) for v in r.get_attribute(relation_name)]
        if relations != [hop["relation"]]:
            fail(f"claim {cid}: the derivation of {generated} has isnad:relation {relations}, not {hop['relation']}")
    # Nothing derived from the originator's statement.
    if claim in derived:
        fail(f"claim {cid}: the claim entity is itself derived from something")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: prov_check.py EXPORT_JSON EXPECTED_JSON", file=sys.stderr)
        return 2
    try:
        summary = check(argv[0], load_json(argv[1]))
    except CheckFailed as e:
        print(f"prov_check: check failed: {e}", file=sys.stderr)
        return 1
    except InputError as e:
        print(f"prov_check: error: {e}", file=sys.stderr)
        return 2
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
