#!/usr/bin/env python3
"""An independent verifier for isnad's signed checkpoints and proofs.

Written from docs/FORMAT.md (sections 2 to 6, 14 to 17) and the public
specifications: RFC 8032 (Ed25519), RFC 6962 / RFC 9162 section 2.1 (Merkle
trees and proofs), and the C2SP signed-note and tlog-checkpoint formats. It
shares no code with the Rust implementation; if the two disagree on an input,
one of them (or FORMAT.md) is wrong.

Only the Python standard library is used, so it runs on a fresh machine.

Usage (exit 0: it holds; 1: verification failed, one line on stderr saying
why; 2: usage error or input that cannot be read or parsed):

    isnad_verify.py note NOTE_FILE VKEY
    isnad_verify.py checkpoint NOTE_FILE VKEY
    isnad_verify.py proof PROOF_JSON VKEY [--entry LINE_FILE] [--old OLD_NOTE]
    isnad_verify.py selftest VECTORS_DIR

VKEY is a C2SP verifier key string, or a file holding one.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import sys
import unicodedata
from typing import Any, NamedTuple, NoReturn

if sys.version_info < (3, 9):
    sys.exit("isnad_verify.py needs Python 3.9 or later")


class VerificationError(Exception):
    """Something that should hold does not (a signature, proof, entry): exit 1."""


class InputError(Exception):
    """Input that cannot be read or parsed, or a bad command line: exit 2."""


def fail(why: str) -> NoReturn:
    raise VerificationError(why)


# ---------------------------------------------------------------------------
# Ed25519 (RFC 8032 section 5.1), verification only, with plain Python ints.
# ---------------------------------------------------------------------------

P = 2**255 - 19  # the field prime
L = 2**252 + 27742317777372353535851937790883648493  # order of the base point
D = -121665 * pow(121666, -1, P) % P  # the curve constant d
SQRT_M1 = pow(2, (P - 1) // 4, P)  # a square root of -1 mod p

# A point in extended homogeneous coordinates (X, Y, Z, T): x = X/Z,
# y = Y/Z and x*y = T/Z. The curve is -x^2 + y^2 = 1 + d*x^2*y^2.
Point = tuple[int, int, int, int]

IDENTITY: Point = (0, 1, 1, 0)


def point_add(a: Point, b: Point) -> Point:
    """RFC 8032 section 5.1.4. The formula is complete for this curve, so it
    also doubles a point and handles the identity."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    pa = (y1 - x1) * (y2 - x2) % P
    pb = (y1 + x1) * (y2 + x2) % P
    pc = t1 * 2 * D * t2 % P
    pd = z1 * 2 * z2 % P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def point_neg(a: Point) -> Point:
    x, y, z, t = a
    return (-x % P, y, z, -t % P)


def scalar_mult(k: int, a: Point) -> Point:
    """[k]a by double-and-add (not constant time: only public data here)."""
    result = IDENTITY
    while k > 0:
        if k & 1:
            result = point_add(result, a)
        a = point_add(a, a)
        k >>= 1
    return result


def is_identity(a: Point) -> bool:
    x, y, z, _ = a
    return x % P == 0 and (y - z) % P == 0


def point_encode(a: Point) -> bytes:
    """RFC 8032 section 5.1.2: y little-endian, the low bit of x in bit 255."""
    x, y, z, _ = a
    zinv = pow(z, P - 2, P)
    x, y = x * zinv % P, y * zinv % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def point_decode(s: bytes) -> Point | None:
    """RFC 8032 section 5.1.3, or None if `s` is not a point.

    Two departures from the RFC, to agree with the reference implementation
    (FORMAT.md section 12): a y at or above p is reduced instead of rejected,
    and x = 0 with the sign bit set is accepted. Neither lets a signature
    through that the RFC would refuse: a signature's R must still equal a
    canonical encoding byte for byte (section 5, step 5), and the only points
    with x = 0 have small order (step 3).
    """
    if len(s) != 32:
        return None
    n = int.from_bytes(s, "little")
    sign = n >> 255
    y = (n & (2**255 - 1)) % P
    # x^2 = (y^2 - 1) / (d y^2 + 1) = u / v; the candidate root is
    # u v^3 (u v^7)^((p-5)/8), which avoids a separate inversion.
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    vxx = v * x * x % P
    if vxx == (-u) % P:
        x = x * SQRT_M1 % P
    elif vxx != u:
        return None  # u/v is not a square: no point has this y
    if x & 1 != sign:
        x = -x % P
    return (x, y, 1, x * y % P)


def base_point() -> Point:
    """B of RFC 8032: y = 4/5, with the even ("positive") x."""
    b = point_decode((4 * pow(5, -1, P) % P).to_bytes(32, "little"))
    assert b is not None, "4/5 is the y of a curve point"
    return b


BASE = base_point()


def has_small_order(a: Point) -> bool:
    """True for the eight points of order dividing 8 (FORMAT.md section 5)."""
    return is_identity(scalar_mult(8, a))


def public_key_from_seed(seed: bytes) -> bytes:
    """RFC 8032 section 5.1.5, used by the self-test to check the known
    answers' public keys (and so the base point and scalar multiplication)."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8  # clear the 3 low bits and bit 255
    a |= 1 << 254
    return point_encode(scalar_mult(a, BASE))


def ed25519_verify_strict(public: bytes, message: bytes, signature: bytes) -> bool:
    """The strict check of FORMAT.md section 5, steps 1 to 5."""
    if len(public) != 32 or len(signature) != 64:
        return False
    r_bytes = signature[:32]
    s = int.from_bytes(signature[32:], "little")
    if s >= L:  # step 1: non-canonical s would make signatures malleable
        return False
    a = point_decode(public)
    r = point_decode(r_bytes)  # step 2
    if a is None or r is None:
        return False
    if has_small_order(r) or has_small_order(a):  # step 3
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + public + message).digest(), "little") % L
    # Step 5: [s]B - [k]A must encode to exactly the R that was sent. No
    # cofactor: this is the equation without the factor 8.
    check = point_add(scalar_mult(s, BASE), point_neg(scalar_mult(k, a)))
    return point_encode(check) == r_bytes


# ---------------------------------------------------------------------------
# Names, base64 and verifier key strings (FORMAT.md section 6).
# ---------------------------------------------------------------------------

# Unicode White_Space, as listed in FORMAT.md section 7.
WHITE_SPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)]
    + ["\u0020", "\u0085", "\u00a0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
)


def is_control(c: str) -> bool:
    """U+0000-U+001F and U+007F-U+009F, as section 6 defines a control."""
    return c < "\u0020" or "\u007f" <= c <= "\u009f"


def is_valid_name(name: str) -> bool:
    """A key name or log origin: 1 to 128 bytes of UTF-8, no '+', no
    whitespace, no control character, in NFC (sections 3, 6 and 15)."""
    return (
        1 <= len(name.encode("utf-8")) <= 128
        and "+" not in name
        and not any(c in WHITE_SPACE or is_control(c) for c in name)
        and unicodedata.is_normalized("NFC", name)
    )


def b64decode_canonical(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 section 4), accepting only the one
    canonical encoding (unused low bits zero); raises ValueError otherwise."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError(f"not base64: {e}") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


def key_id(name: str, public: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || A)[:4]; 0x01 is C2SP's Ed25519 byte."""
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public).digest()[:4]


class VerifierKey(NamedTuple):
    name: str
    key_id: bytes  # 4 bytes
    public: bytes  # 32 bytes, the Ed25519 public key A


def parse_vkey(text: str) -> VerifierKey:
    """Parses `name+<8 hex key id>+base64(0x01 || A)`; raises ValueError."""
    if text.startswith("PRIVATE+"):
        # Section 6: refused whatever follows, so that a private key string
        # is never taken for a verifier key (a key named PRIVATE included).
        raise ValueError("a key string starting PRIVATE+ is refused")
    parts = text.split("+", 2)  # the base64 part may itself contain '+'
    if len(parts) != 3:
        raise ValueError("a verifier key string has the form name+keyid+key")
    name, hex_id, b64 = parts
    if not is_valid_name(name):
        raise ValueError("invalid key name")
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise ValueError("the key id is not 8 lowercase hex digits")
    raw = b64decode_canonical(b64)
    if len(raw) != 33 or raw[0] != 0x01:
        raise ValueError("the key is not 0x01 followed by a 32-byte Ed25519 key")
    public = raw[1:]
    point = point_decode(public)
    if point is None or has_small_order(point):
        raise ValueError("the key is not a usable Ed25519 public key")
    if key_id(name, public) != bytes.fromhex(hex_id):
        raise ValueError("the key id does not match the name and key")
    return VerifierKey(name, bytes.fromhex(hex_id), public)


# ---------------------------------------------------------------------------
# Signed notes and checkpoints (FORMAT.md section 15).
# ---------------------------------------------------------------------------

MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURE_LINES = 100
SIGNATURE_PREFIX = "\u2014 "  # EM DASH, space


def open_signed_note(note: bytes, keys: list[VerifierKey]) -> str:
    """Returns the note's text if at least one of `keys` signed it, following
    section 15 step by step; raises VerificationError otherwise."""
    if len(note) > MAX_NOTE_BYTES:
        fail("signed note: larger than 1 MiB")
    try:
        whole = note.decode("utf-8")
    except UnicodeDecodeError:
        fail("signed note: not UTF-8")
    split = whole.rfind("\n\n")
    if split < 0:
        fail("signed note: no empty line between the text and the signatures")
    text, signatures = whole[: split + 1], whole[split + 2 :]
    if any(line == "" for line in text[:-1].split("\n")):
        fail("signed note: the text holds an empty line")
    if any(is_control(c) and c != "\n" for c in text):
        fail("signed note: the text holds a control character")
    if not signatures.endswith("\n"):
        fail("signed note: the signatures do not end with a newline")
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURE_LINES:
        fail(f"signed note: more than {MAX_SIGNATURE_LINES} signature lines")
    verified = 0
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            fail("signed note: a signature line does not start with '\u2014 '")
        name, _, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not is_valid_name(name):
            fail("signed note: a signature line has an invalid key name")
        try:
            blob = b64decode_canonical(b64)
        except ValueError as e:
            fail(f"signed note: a signature line's signature is {e}")
        if len(blob) < 4:
            fail("signed note: a signature line is shorter than a key id")
        for key in keys:
            if key.name == name and key.key_id == blob[:4]:
                if len(blob) != 68 or not ed25519_verify_strict(
                    key.public, text.encode("utf-8"), blob[4:]
                ):
                    fail(f"signed note: the signature by {name} does not verify")
                verified += 1
    if verified == 0:
        fail("signed note: no signature by the given key")
    return text


class Checkpoint(NamedTuple):
    origin: str
    size: int
    root: bytes


MAX_U64 = 2**64 - 1


def parse_checkpoint(text: str) -> Checkpoint:
    """The C2SP tlog-checkpoint body: origin, size, root; later lines (C2SP
    extension lines) are ignored."""
    lines = text.split("\n")[:-1]
    if len(lines) < 3:
        fail("checkpoint: fewer than three lines")
    origin, size, root = lines[:3]
    if not is_valid_name(origin):
        fail("checkpoint: invalid origin")
    if not (size.isascii() and size.isdigit()) or (size != "0" and size.startswith("0")):
        fail("checkpoint: the size is not a decimal number without leading zeros")
    if int(size) > MAX_U64:
        fail("checkpoint: the size is out of range")
    try:
        root_hash = b64decode_canonical(root)
    except ValueError as e:
        fail(f"checkpoint: the root is {e}")
    if len(root_hash) != 32:
        fail("checkpoint: the root is not 32 bytes")
    return Checkpoint(origin, int(size), root_hash)


def open_checkpoint(note: bytes, key: VerifierKey) -> Checkpoint:
    return parse_checkpoint(open_signed_note(note, [key]))


# ---------------------------------------------------------------------------
# The Merkle tree (FORMAT.md section 14, RFC 6962 section 2.1).
# ---------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_hash(leaves: list[bytes]) -> bytes:
    """MTH(D[0:n]) of RFC 6962 section 2.1, straight from the definition."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split_point(len(leaves))
    return node_hash(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for h in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(h, r)
            # Climb past the levels where this node is a left child with no
            # right sibling in the tree: those levels add no hash.
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, h)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2, with the equal-size and size-0 cases of
    FORMAT.md section 17."""
    if old_size > new_size:
        return False
    if old_size == new_size:
        return proof == [] and old_root == new_root
    if old_size == 0:
        # Every tree extends the empty one, whose root is SHA-256 of nothing.
        return proof == [] and old_root == hashlib.sha256(b"").digest()
    if proof == []:
        return False
    # When the old tree is a complete subtree its root is the first node of
    # the path, and the proof leaves it out.
    path = [old_root] + proof if old_size & (old_size - 1) == 0 else proof
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# ---------------------------------------------------------------------------
# Entries (FORMAT.md sections 2 to 5), for `proof --entry`.
# ---------------------------------------------------------------------------

ENTRY_MEMBERS = frozenset(["body", "kind", "prev", "seq", "sig", "signer", "time", "v"])
# The signing tag names the signing scheme, which format versions 2 and 3
# keep (section 5): every entry, of any version, is signed behind it.
ENTRY_DOMAIN = b"isnad-entry-v1\n"
FORMAT_VERSIONS = (1, 2, 3)


def required_version(entry: dict[str, Any]) -> int:
    """The `v` an entry must carry (section 2): 2 for exactly the entries
    that use what version 2 added, a `trust` record or a `key` record with
    an `org` member; 3 for a `verdict` record with a `review` member (what
    version 3 added); 1 for every other."""
    body = entry["body"]
    if entry["kind"] == "trust":
        return 2
    if entry["kind"] == "key" and isinstance(body, dict) and "org" in body:
        return 2
    if entry["kind"] == "verdict" and isinstance(body, dict) and "review" in body:
        return 3
    return 1


def reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate member {k!r}")
        obj[k] = v
    return obj


def parse_json(text: str) -> Any:
    """Strict JSON: no NaN/Infinity, no repeated member names."""
    return json.loads(text, object_pairs_hook=reject_duplicates, parse_constant=reject_constant)


def jcs(value: Any) -> bytes:
    """RFC 8785 bytes of an isnad entry, by the shortcut of FORMAT.md section
    3: exact here because member names are ASCII (so code-point order is
    UTF-16 order) and numbers are small integers. Not a general JCS."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_entry_line(line: bytes, index: int, proven_leaf: bytes) -> None:
    """That `line` is the proven leaf and a signed isnad entry at `index`.

    Checks the entry level of sections 2 to 5: the leaf hash, exactly the
    eight members, canonical bytes, `v` (1 or 2, and the one the record
    calls for), `seq`, the signer's key string and the signature. The record
    body (section 8) and the ledger rules (section 9, which need the rest of
    the ledger) are not checked.
    """
    if line.endswith(b"\n"):
        line = line[:-1]
    if leaf_hash(line) != proven_leaf:
        fail("the entry line is not the proven leaf")
    try:
        entry = parse_json(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"entry: not JSON: {e}")
    if not isinstance(entry, dict) or set(entry) != ENTRY_MEMBERS:
        fail("entry: not an object with exactly the eight entry members")
    if jcs(entry) != line:
        fail("entry: not in canonical form")
    if not is_int(entry["v"]) or entry["v"] not in FORMAT_VERSIONS:
        fail("entry: unsupported format version")
    if entry["v"] != required_version(entry):
        fail(
            f"entry: format version {entry['v']} is not the one its record is written with "
            f"({required_version(entry)})"
        )
    if not is_int(entry["seq"]) or entry["seq"] != index:
        fail(f"entry: seq is not the proven index {index}")
    if not isinstance(entry["signer"], str) or not isinstance(entry["sig"], str):
        fail("entry: signer and sig must be strings")
    try:
        signer = parse_vkey(entry["signer"])
        signature = b64decode_canonical(entry["sig"])
    except ValueError as e:
        fail(f"entry: {e}")
    # The signing input is rebuilt from the parsed values (the "safer habit"
    # of section 5); since the line was just shown to be canonical, this is
    # the line with its "sig" member cut out.
    unsigned = {k: v for k, v in entry.items() if k != "sig"}
    if not ed25519_verify_strict(signer.public, ENTRY_DOMAIN + jcs(unsigned), signature):
        fail("entry: the signature does not verify")


# ---------------------------------------------------------------------------
# Proof documents (FORMAT.md sections 16 and 17).
# ---------------------------------------------------------------------------

INCLUSION_MEMBERS = frozenset(
    ["origin", "index", "tree_size", "root_hash", "leaf_hash", "hashes", "checkpoint"]
)
CONSISTENCY_MEMBERS = frozenset(
    ["origin", "old_size", "old_root", "new_size", "new_root", "hashes", "checkpoint"]
)


def proof_kind(doc: dict[str, Any]) -> str:
    """'inclusion' or 'consistency', by the members; raises InputError if the
    members are exactly neither set."""
    members = set(doc)
    # Judge against the set the document shares more members with, so the
    # error names the members that are really missing or extra.
    if len(members & INCLUSION_MEMBERS) >= len(members & CONSISTENCY_MEMBERS):
        kind, expected = "inclusion", INCLUSION_MEMBERS
    else:
        kind, expected = "consistency", CONSISTENCY_MEMBERS
    if extra := sorted(members - expected):
        raise InputError(f"proof: unknown members {', '.join(extra)}")
    if missing := sorted(expected - members):
        raise InputError(f"{kind} proof: missing members {', '.join(missing)}")
    return kind


def get_int(doc: dict[str, Any], name: str) -> int:
    v = doc[name]
    if not is_int(v) or not 0 <= v <= MAX_U64:
        raise InputError(f"proof: {name} is not an unsigned integer")
    return v


def get_hash(doc: dict[str, Any], name: str) -> bytes:
    return decode_hash(doc[name], name)


def decode_hash(v: Any, what: str) -> bytes:
    if not isinstance(v, str):
        raise InputError(f"proof: {what} is not a string")
    try:
        h = b64decode_canonical(v)
    except ValueError as e:
        raise InputError(f"proof: {what} is {e}") from None
    if len(h) != 32:
        raise InputError(f"proof: {what} is not a 32-byte hash")
    return h


def get_str(doc: dict[str, Any], name: str) -> str:
    v = doc[name]
    if not isinstance(v, str):
        raise InputError(f"proof: {name} is not a string")
    return v


MAX_PROOF_HASHES = 130


def get_hashes(doc: dict[str, Any]) -> list[bytes]:
    v = doc["hashes"]
    if not isinstance(v, list):
        raise InputError("proof: hashes is not a list")
    # FORMAT.md section 17 only says "fail"; isnad treats a longer list as
    # not a proof at all (exit 2), and so does this.
    if len(v) > MAX_PROOF_HASHES:
        raise InputError(f"proof: more than {MAX_PROOF_HASHES} hashes")
    return [decode_hash(h, f"hashes[{i}]") for i, h in enumerate(v)]


def open_log_checkpoint(note: bytes, key: VerifierKey) -> Checkpoint:
    """An isnad log's checkpoint: as open_checkpoint, and its origin is the
    log key's name (FORMAT.md section 15)."""
    cp = open_checkpoint(note, key)
    if cp.origin != key.name:
        fail("proof: the checkpoint's origin is not the log key's name")
    return cp


def verify_inclusion_doc(doc: dict[str, Any], key: VerifierKey, entry_line: bytes | None) -> str:
    origin, note = get_str(doc, "origin"), get_str(doc, "checkpoint")
    index, size = get_int(doc, "index"), get_int(doc, "tree_size")
    root, leaf = get_hash(doc, "root_hash"), get_hash(doc, "leaf_hash")
    hashes = get_hashes(doc)
    cp = open_log_checkpoint(note.encode("utf-8"), key)
    if (cp.origin, cp.size, cp.root) != (origin, size, root):
        fail("proof: origin, tree_size or root_hash differ from the signed checkpoint")
    if index >= size:
        fail("proof: the index is not in the tree")
    if not verify_inclusion(index, size, leaf, hashes, root):
        fail("proof: the inclusion proof does not verify")
    if entry_line is not None:
        check_entry_line(entry_line, index, leaf)
    return f"ok: leaf {index} is in {origin} at size {size}"


def verify_consistency_doc(doc: dict[str, Any], key: VerifierKey, old_note: bytes | None) -> str:
    origin, note = get_str(doc, "origin"), get_str(doc, "checkpoint")
    old_size, new_size = get_int(doc, "old_size"), get_int(doc, "new_size")
    old_root, new_root = get_hash(doc, "old_root"), get_hash(doc, "new_root")
    hashes = get_hashes(doc)
    cp = open_log_checkpoint(note.encode("utf-8"), key)
    if (cp.origin, cp.size, cp.root) != (origin, new_size, new_root):
        fail("proof: origin, new_size or new_root differ from the signed checkpoint")
    if not verify_consistency(old_size, new_size, old_root, new_root, hashes):
        fail("proof: the consistency proof does not verify")
    if old_note is not None:
        old = open_checkpoint(old_note, key)
        if (old.origin, old.size, old.root) != (origin, old_size, old_root):
            fail("proof: the old checkpoint is not where the proof starts")
    return f"ok: {origin} at size {new_size} extends size {old_size}"


# ---------------------------------------------------------------------------
# Self-test against the known answers in tests/vectors.
# ---------------------------------------------------------------------------


def audit_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 6962 section 2.1.1, from the recursive
    definition (the verifier above uses the iterative RFC 9162 algorithm)."""
    n = len(leaves)
    if n <= 1:
        return []
    k = split_point(n)
    if m < k:
        return audit_path(m, leaves[:k]) + [tree_hash(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [tree_hash(leaves[:k])]


def consistency_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 6962 section 2.1.2, which defines it for
    0 < m <= n; from the empty tree the proof is empty (FORMAT.md 14)."""
    if m == 0:
        return []

    def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
        n = len(leaves)
        if m == n:
            return [] if complete else [tree_hash(leaves)]
        k = split_point(n)
        if m <= k:
            return subproof(m, leaves[:k], complete) + [tree_hash(leaves[k:])]
        return subproof(m - k, leaves[k:], False) + [tree_hash(leaves[:k])]

    return subproof(m, leaves, True)


def flip_bit(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


def check(condition: bool, what: str) -> None:
    if not condition:
        fail(f"selftest: {what}")


def rejects(note: bytes, keys: list[VerifierKey]) -> bool:
    try:
        open_signed_note(note, keys)
    except VerificationError:
        return True
    return False


def selftest_merkle(v: dict[str, Any]) -> str:
    leaves = [bytes.fromhex(h) for h in v["leaf_data_hex"]]
    roots = {int(n): bytes.fromhex(h) for n, h in v["root_by_size_hex"].items()}
    for n, want in roots.items():
        check(tree_hash(leaves[:n]) == want, f"root of {n} leaves")
    inclusions = consistencies = 0
    for n in range(1, len(leaves) + 1):
        for m in range(n):
            path = audit_path(m, leaves[:n])
            leaf = leaf_hash(leaves[m])
            check(verify_inclusion(m, n, leaf, path, roots[n]), f"inclusion {m} in {n}")
            check(not verify_inclusion(m, n, flip_bit(leaf), path, roots[n]), "bad leaf")
            if path:
                bent = [flip_bit(path[0])] + path[1:]
                check(not verify_inclusion(m, n, leaf, bent, roots[n]), "bent path")
                check(not verify_inclusion(m, n, leaf, path[:-1], roots[n]), "short path")
            check(not verify_inclusion(m, n, leaf, path + [leaf], roots[n]), "long path")
            # Read as a proof in a tree twice the size, the path runs out
            # before the walk reaches the root (sn != 0 at the end).
            check(not verify_inclusion(m, 2 * n, leaf, path, roots[n]), "tree size doubled")
            inclusions += 1
        for m in range(n + 1):
            proof = consistency_proof(m, leaves[:n])
            ok = verify_consistency(m, n, roots[m], roots[n], proof)
            check(ok, f"consistency {m} to {n}")
            if proof:
                bent = [flip_bit(proof[0])] + proof[1:]
                check(not verify_consistency(m, n, roots[m], roots[n], bent), "bent proof")
            if 0 < m < n:
                wrong_old = flip_bit(roots[m])
                check(not verify_consistency(m, n, wrong_old, roots[n], proof), "wrong old root")
                check(
                    not verify_consistency(m, 2 * n, roots[m], roots[n], proof), "new size doubled"
                )
            consistencies += 1
    go = v["go_sumdb_tree_vector"]
    want = b64decode_canonical(go["root_base64"])
    check(tree_hash([go["record_ascii"].encode("ascii")]) == want, "Go sumdb one-record tree")
    return (
        f"merkle: {len(roots)} roots, {inclusions} inclusion and "
        f"{consistencies} consistency proofs, 1 Go tree"
    )


def selftest_ed25519(v: dict[str, Any]) -> str:
    for i, c in enumerate(v["cases"]):
        seed, public = bytes.fromhex(c["secret_key"]), bytes.fromhex(c["public_key"])
        msg, sig = bytes.fromhex(c["message"]), bytes.fromhex(c["signature"])
        check(public_key_from_seed(seed) == public, f"RFC 8032 case {i}: public key")
        check(ed25519_verify_strict(public, msg, sig), f"RFC 8032 case {i}: verifies")
        check(not ed25519_verify_strict(public, msg + b"x", sig), f"case {i}: other message")
        s = int.from_bytes(sig[32:], "little")
        malleable = sig[:32] + (s + L).to_bytes(32, "little")
        check(not ed25519_verify_strict(public, msg, malleable), f"case {i}: s + L")
    # With A and R the identity and s = 0, [s]B - [k]A = R for every message;
    # only the small-order check (section 5, step 3) refuses it.
    identity = point_encode(IDENTITY)
    check(
        not ed25519_verify_strict(identity, b"any", identity + bytes(32)), "small-order key"
    )
    return f"ed25519: {len(v['cases'])} RFC 8032 signatures, and 3 kinds of forgery refused"


def vkey_rejected(text: str) -> bool:
    try:
        parse_vkey(text)
    except ValueError:
        return True
    return False


def selftest_signed_note(v: dict[str, Any]) -> str:
    peter, enoch = parse_vkey(v["verifier_key"]), parse_vkey(v["second_verifier_key"])
    name, hex_id, key = v["verifier_key"].split("+", 2)
    for bad in [
        f"{name}x+{hex_id}+{key}",  # the id no longer matches the name
        f"{name}+{hex_id.upper()}+{key}",
        f"{name}+{hex_id}+{key[:-1]}",
        f"a b+{hex_id}+{key}",
    ]:
        check(vkey_rejected(bad), f"a bad verifier key string {bad!r}")
    # The private key string's base64 part may contain '+': split on 4 only.
    seed = b64decode_canonical(v["signer_key"].split("+", 4)[4])[1:]
    check(public_key_from_seed(seed) == peter.public, "signer key matches the verifier key")
    note = v["signed_note"].encode("utf-8")
    check(open_signed_note(note, [peter]) == v["text"], "the Go note opens")
    both = note + v["second_signature_line"].encode("utf-8") + b"\n"
    check(open_signed_note(both, [peter]) == v["text"], "a note with two signers, first key")
    check(open_signed_note(both, [enoch]) == v["text"], "a note with two signers, second key")
    check(open_signed_note(both, [peter, enoch]) == v["text"], "two signers, both keys")
    check(rejects(note.replace(b"cryptography", b"cryptografy"), [peter]), "altered text")
    # The must_reject list is prose; each case is built here, in its order.
    sig_lines = note[len(v["text"].encode("utf-8")) + 1 :]
    other = v["second_signature_line"].encode("utf-8") + b"\n"
    must_reject = [
        note + other * 100,  # 101 signature lines
        note + "\u2014 a+b AAAAAAAA\n".encode("utf-8"),  # a key name with '+'
        v["text"].encode("utf-8")[:-1] + b"\n" + sig_lines,  # text without final newline
        note,  # signed only by keys the reader does not know
    ]
    keys = [[peter], [peter], [peter], [enoch]]
    check(len(must_reject) == len(v["must_reject"]), "one case per must_reject item")
    for i, (bad, k) in enumerate(zip(must_reject, keys)):
        check(rejects(bad, k), f"must_reject[{i}]: {v['must_reject'][i]}")
    return (
        f"signed-note: the Go note opens with 1 or 2 signers, {len(must_reject) + 1} notes"
        " and 4 key strings rejected"
    )


def selftest(vectors_dir: str) -> str:
    def load(name: str) -> Any:
        try:
            with open(os.path.join(vectors_dir, name), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{name}: {e}") from None

    return "\n".join(
        [
            selftest_merkle(load("merkle-rfc6962.json")),
            selftest_ed25519(load("ed25519-rfc8032.json")),
            selftest_signed_note(load("signed-note-c2sp.json")),
        ]
    )


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None


def load_vkey(arg: str) -> VerifierKey:
    """The key string itself, or a file holding it (as `isnad --vkey`)."""
    text = read_file(arg).decode("utf-8", "replace").strip() if os.path.isfile(arg) else arg
    try:
        return parse_vkey(text)
    except ValueError as e:
        # Never echo the text: a private key file given by mistake is secret.
        raise InputError(f"VKEY is not a verifier key string: {e}") from None


def run(args: argparse.Namespace) -> str:
    if args.command == "selftest":
        return selftest(args.vectors_dir)
    key = load_vkey(args.vkey)
    if args.command == "note":
        return open_signed_note(read_file(args.note_file), [key]).removesuffix("\n")
    if args.command == "checkpoint":
        cp = open_checkpoint(read_file(args.note_file), key)
        return f"{cp.origin} {cp.size} {base64.b64encode(cp.root).decode('ascii')}"
    try:
        doc = parse_json(read_file(args.proof_json).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise InputError(f"proof: not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise InputError("proof: not a JSON object")
    if proof_kind(doc) == "inclusion":
        if args.old is not None:
            raise InputError("--old is for consistency proofs")
        entry = read_file(args.entry) if args.entry is not None else None
        return verify_inclusion_doc(doc, key, entry)
    if args.entry is not None:
        raise InputError("--entry is for inclusion proofs")
    old = read_file(args.old) if args.old is not None else None
    return verify_consistency_doc(doc, key, old)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="isnad_verify.py", description="Independent verifier of isnad checkpoints and proofs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("note", help="open a signed note and print its text")
    p.add_argument("note_file")
    p.add_argument("vkey", help="verifier key string, or a file holding one")
    p = sub.add_parser("checkpoint", help="open a signed checkpoint: print origin size root")
    p.add_argument("note_file")
    p.add_argument("vkey", help="verifier key string, or a file holding one")
    p = sub.add_parser("proof", help="check an inclusion or consistency proof from isnad prove")
    p.add_argument("proof_json")
    p.add_argument("vkey", help="verifier key string, or a file holding one")
    p.add_argument("--entry", help="inclusion: the entry's exported line, checked as the leaf")
    p.add_argument("--old", help="consistency: the old signed checkpoint the proof starts from")
    p = sub.add_parser("selftest", help="run the known answers in tests/vectors")
    p.add_argument("vectors_dir")
    args = parser.parse_args(argv)
    try:
        out = run(args)
    except VerificationError as e:
        print(f"isnad_verify: verification failed: {e}", file=sys.stderr)
        return 1
    except InputError as e:
        print(f"isnad_verify: error: {e}", file=sys.stderr)
        return 2
    # As bytes, so that a note's text comes out exactly, whatever the locale.
    sys.stdout.buffer.write(out.encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
