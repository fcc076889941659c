#!/usr/bin/env python3
"""A second implementation of C2SP tlog-cosignature (Ed25519, cosignature/v1).

Written from the C2SP tlog-cosignature and signed-note specifications and
docs/FORMAT.md, with the `cryptography` package for Ed25519; it shares no
code with isnad. isnad's witness must produce cosignatures this accepts, and
isnad must accept the cosignatures this makes.

Usage (exit 0: it holds; 1: a cosignature is missing or does not verify,
one line on stderr; 2: usage or unreadable input):

    cosignature_check.py vkey NAME SEED_HEX
    cosignature_check.py sign NOTE_FILE NAME SEED_HEX TIME
    cosignature_check.py verify NOTE_FILE WITNESS_VKEY...

`vkey` prints the witness verifier key of an Ed25519 seed; `sign` prints a
cosignature line for the note's text; `verify` checks that every listed
witness cosigned the note and prints `NAME TIME` for each.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014 "


class Failed(Exception):
    """A cosignature that should hold does not: exit 1."""


class Unusable(Exception):
    """Input that cannot be read or parsed: exit 2."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public).digest()[:4]


def vkey_string(name: str, public: bytes) -> str:
    return "%s+%s+%s" % (
        name,
        key_id(name, public).hex(),
        base64.b64encode(bytes([COSIGNATURE_V1]) + public).decode(),
    )


def parse_vkey(text: str) -> tuple[str, bytes, Ed25519PublicKey]:
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise Unusable("a witness key is name+keyid+base64")
    name, id_hex, b64 = parts
    try:
        raw = base64.b64decode(b64, validate=True)
    except binascii.Error:
        raise Unusable("witness key %s: not base64" % name)
    if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
        raise Unusable("witness key %s: not 0x04 and 32 bytes" % name)
    kid = key_id(name, raw[1:])
    if kid.hex() != id_hex:
        raise Unusable("witness key %s: key id does not match" % name)
    return name, kid, Ed25519PublicKey.from_public_bytes(raw[1:])


def split_note(note: str) -> tuple[str, list[str]]:
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise Unusable("not a signed note")
    return note[: cut + 1], note[cut + 2 : -1].split("\n")


def message(text: str, timestamp: int) -> bytes:
    return ("cosignature/v1\ntime %d\n" % timestamp).encode() + text.encode()


def private_key(seed_hex: str) -> Ed25519PrivateKey:
    seed = bytes.fromhex(seed_hex)
    if len(seed) != 32:
        raise Unusable("the seed must be 32 bytes of hex")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def cmd_vkey(name: str, seed_hex: str) -> None:
    print(vkey_string(name, public_bytes(private_key(seed_hex))))


def cmd_sign(note_file: str, name: str, seed_hex: str, time: str) -> None:
    text, _ = split_note(read(note_file))
    key = private_key(seed_hex)
    timestamp = int(time)
    blob = key_id(name, public_bytes(key)) + struct.pack(">Q", timestamp)
    blob += key.sign(message(text, timestamp))
    print(EM_DASH + name + " " + base64.b64encode(blob).decode())


def cmd_verify(note_file: str, vkeys: list[str]) -> None:
    text, lines = split_note(read(note_file))
    for name, kid, public in map(parse_vkey, vkeys):
        found = None
        for line in lines:
            if not line.startswith(EM_DASH):
                raise Unusable("a signature line must start with an em dash")
            line_name, _, b64 = line[len(EM_DASH) :].partition(" ")
            try:
                blob = base64.b64decode(b64, validate=True)
            except binascii.Error:
                raise Unusable("signature by %s: not base64" % line_name)
            if line_name != name or blob[:4] != kid:
                continue
            if len(blob) != 4 + 8 + 64:
                raise Failed("cosignature by %s: wrong length" % name)
            (timestamp,) = struct.unpack(">Q", blob[4:12])
            if timestamp >= 1 << 63:
                raise Failed("cosignature by %s: time out of range" % name)
            try:
                public.verify(blob[12:], message(text, timestamp))
            except InvalidSignature:
                raise Failed("cosignature by %s does not verify" % name)
            found = timestamp
        if found is None:
            raise Failed("no cosignature by %s" % name)
        print("%s %d" % (name, found))


def read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise Unusable("%s: %s" % (path, e))


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 3 and argv[0] == "vkey":
            cmd_vkey(argv[1], argv[2])
        elif len(argv) == 5 and argv[0] == "sign":
            cmd_sign(*argv[1:])
        elif len(argv) >= 3 and argv[0] == "verify":
            cmd_verify(argv[1], argv[2:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Failed as e:
        print("cosignature_check: %s" % e, file=sys.stderr)
        return 1
    except (Unusable, ValueError) as e:
        print("cosignature_check: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
