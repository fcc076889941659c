//! Known answers from the standards isnad builds on: RFC 8032 (Ed25519),
//! RFC 8785 (JSON canonicalisation) and the C2SP signed-note key and
//! signature encoding (from the Go reference implementation).
//!
//! The vector files live in `tests/vectors/` and are loaded relative to this
//! crate's manifest, so the tests run from any working directory.

// Test helpers panic with a message on purpose; clippy allows that in
// `#[test]` functions only.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use isnad_core::{KeyPair, VerifierKey, canon};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn load(name: &str) -> Value {
    let path: PathBuf = crate::common::repo().join("tests/vectors").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector field `{name}` missing or not a string"))
}

fn hex_field<const N: usize>(v: &Value, name: &str) -> [u8; N] {
    let raw = hex::decode(field(v, name)).unwrap_or_else(|e| panic!("`{name}`: {e}"));
    raw.try_into()
        .unwrap_or_else(|r: Vec<u8>| panic!("`{name}` is {} bytes, expected {N}", r.len()))
}

fn cases(v: &Value) -> &Vec<Value> {
    let cases = v["cases"].as_array().expect("`cases` array");
    assert!(!cases.is_empty(), "vector file has no cases");
    cases
}

// ---------------------------------------------------------------------------
// RFC 8032

#[test]
fn ed25519_rfc8032_known_answers() {
    let file = load("ed25519-rfc8032.json");
    for (i, case) in cases(&file).iter().enumerate() {
        let seed: [u8; 32] = hex_field(case, "secret_key");
        let public: [u8; 32] = hex_field(case, "public_key");
        let sig: [u8; 64] = hex_field(case, "signature");
        let msg = hex::decode(field(case, "message")).expect("message hex");

        let kp = KeyPair::from_seed("rfc8032", &seed).expect("key from seed");
        assert_eq!(
            kp.verifier().verifying_key().as_bytes(),
            &public,
            "case {i}: public key"
        );
        assert_eq!(kp.sign(&msg), sig, "case {i}: signature");
        assert!(kp.verifier().verify(&msg, &sig), "case {i}: verify");

        // Any single flipped bit of the signature is rejected.
        for bit in 0..512 {
            let mut bad = sig;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(
                !kp.verifier().verify(&msg, &bad),
                "case {i}: signature with bit {bit} flipped verified"
            );
        }
        // So is a changed message: every flipped bit, or one extra byte.
        for bit in 0..msg.len() * 8 {
            let mut bad = msg.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(
                !kp.verifier().verify(&bad, &sig),
                "case {i}: message with bit {bit} flipped verified"
            );
        }
        let mut longer = msg.clone();
        longer.push(0);
        assert!(
            !kp.verifier().verify(&longer, &sig),
            "case {i}: longer message verified"
        );
        // And the same signature under another key.
        let other = KeyPair::from_seed("rfc8032", &[7; 32]).expect("key");
        assert!(
            !other.verifier().verify(&msg, &sig),
            "case {i}: signature verified under the wrong key"
        );
    }
}

// ---------------------------------------------------------------------------
// RFC 8785

#[test]
fn jcs_rfc8785_known_answers() {
    let file = load("jcs-rfc8785.json");
    for (i, case) in cases(&file).iter().enumerate() {
        let input = field(case, "input");
        let expected = field(case, "canonical");
        let got = canon::canonicalize_json(input)
            .unwrap_or_else(|e| panic!("case {i}: cannot canonicalise: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&got),
            expected,
            "case {i}: canonical form"
        );
        assert_eq!(got, expected.as_bytes(), "case {i}: canonical bytes");
        // The canonical form is a fixed point.
        let again = canon::canonicalize_json(expected).expect("canonical input");
        assert_eq!(again, expected.as_bytes(), "case {i}: not idempotent");
    }
}

/// Members are ordered by their names' UTF-16 code units, as RFC 8785
/// says, which is not code-point (nor UTF-8 byte) order: RFC 8785's pair
/// U+1F600 and U+FB33, where the emoji's surrogate 0xD83D comes first.
#[test]
fn jcs_orders_members_by_utf16_code_units() {
    let (emoji, dalet) = ("\u{1F600}", "\u{FB33}");
    // The pair tells the two orders apart.
    assert!(emoji.encode_utf16().lt(dalet.encode_utf16()));
    assert!(emoji > dalet);
    for input in [
        format!(r#"{{"{dalet}":2,"{emoji}":1}}"#),
        format!(r#"{{"{emoji}":1,"{dalet}":2}}"#),
    ] {
        let got = canon::canonicalize_json(&input).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            format!(r#"{{"{emoji}":1,"{dalet}":2}}"#),
            "{input}"
        );
    }
}

#[test]
fn jcs_rejects_non_json() {
    for bad in ["", "{", "{\"a\":1,}", "[1 2]", "{'a':1}"] {
        assert!(
            canon::canonicalize_json(bad).is_err(),
            "`{bad}` was canonicalised"
        );
    }
}

// ---------------------------------------------------------------------------
// C2SP signed-note keys and signatures

/// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[..4], computed here independently
/// of the library.
fn c2sp_key_id(name: &str, public: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0a, 0x01]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Splits a verifier key string `name+id+base64` by hand.
fn split_vkey(s: &str) -> (&str, &str, Vec<u8>) {
    let mut parts = s.splitn(3, '+');
    let name = parts.next().expect("name");
    let id = parts.next().expect("id");
    let raw = STANDARD.decode(parts.next().expect("key")).expect("base64");
    (name, id, raw)
}

/// A signature line `— <name> <base64(key id ‖ signature)>`, decoded.
fn parse_sig_line(line: &str) -> (&str, [u8; 4], [u8; 64]) {
    let rest = line
        .strip_prefix("\u{2014} ")
        .unwrap_or_else(|| panic!("signature line does not start with an em dash: {line:?}"));
    let (name, b64) = rest.split_once(' ').expect("name and signature");
    let raw = STANDARD.decode(b64).expect("signature base64");
    assert_eq!(raw.len(), 4 + 64, "Ed25519 note signature is 68 bytes");
    let mut id = [0u8; 4];
    id.copy_from_slice(&raw[..4]);
    let mut sig = [0u8; 64];
    sig.copy_from_slice(&raw[4..]);
    (name, id, sig)
}

#[test]
fn c2sp_verifier_key_round_trips() {
    let file = load("signed-note-c2sp.json");
    for field_name in ["verifier_key", "second_verifier_key"] {
        let text = field(&file, field_name);
        let vk: VerifierKey = text.parse().unwrap_or_else(|e| panic!("{field_name}: {e}"));
        assert_eq!(vk.to_string(), text, "{field_name}: re-encoding");

        let (name, id_hex, raw) = split_vkey(text);
        assert_eq!(raw.len(), 33);
        assert_eq!(raw[0], 0x01, "algorithm byte");
        assert_eq!(vk.name(), name);
        assert_eq!(hex::encode(vk.id()), id_hex, "{field_name}: key id");
        assert_eq!(vk.verifying_key().as_bytes(), &raw[1..]);
        assert_eq!(
            c2sp_key_id(name, &raw[1..]),
            vk.id(),
            "{field_name}: key id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[..4]"
        );
    }
}

#[test]
fn c2sp_private_key_round_trips_and_matches_verifier() {
    let file = load("signed-note-c2sp.json");
    let skey = field(&file, "signer_key");
    let vkey: VerifierKey = field(&file, "verifier_key").parse().expect("verifier key");
    let kp = KeyPair::from_private_string(skey).expect("private key");
    assert_eq!(kp.to_private_string(), skey, "re-encoding");
    assert_eq!(kp.verifier(), &vkey);
    assert_eq!(kp.verifier().to_string(), vkey.to_string());
    assert_eq!(kp.name(), "PeterNeumann");
    // The private key's id field is the same key id.
    let id_hex = skey.split('+').nth(3).expect("id field");
    assert_eq!(id_hex, hex::encode(vkey.id()));
}

#[test]
fn c2sp_malformed_keys_are_rejected() {
    let file = load("signed-note-c2sp.json");
    let vkey = field(&file, "verifier_key");
    let (name, id_hex, raw) = split_vkey(vkey);
    let b64 = STANDARD.encode(&raw);
    let mut wrong_id = id_hex.to_owned();
    wrong_id.replace_range(..1, if id_hex.starts_with('0') { "1" } else { "0" });
    let mut wrong_alg = raw.clone();
    wrong_alg[0] = 0x02;
    let bad = [
        format!("{name}+{wrong_id}+{b64}"),
        format!("{name}+{}+{b64}", id_hex.to_uppercase()),
        format!("Other+{id_hex}+{b64}"),
        format!("{name}+{id_hex}+{}", STANDARD.encode(wrong_alg)),
        format!("{name}+{id_hex}+{}", STANDARD.encode(&raw[..32])),
        format!("{name}+{id_hex}"),
        format!("{name} +{id_hex}+{b64}"),
        format!("{vkey}\n"),
    ];
    for s in &bad {
        assert!(s.parse::<VerifierKey>().is_err(), "accepted {s:?}");
    }
    // A key name with '+' cannot be made.
    assert!(KeyPair::from_seed("a+b", &[1; 32]).is_err());
}

#[test]
fn c2sp_signed_note_verifies() {
    let file = load("signed-note-c2sp.json");
    let text = field(&file, "text");
    let note = field(&file, "signed_note");
    let vkey: VerifierKey = field(&file, "verifier_key").parse().expect("verifier key");

    // note = text ‖ "\n" ‖ signature lines, each ending in "\n".
    let sigs = note
        .strip_prefix(text)
        .and_then(|rest| rest.strip_prefix('\n'))
        .expect("the note is the text, an empty line, then signatures");
    let lines: Vec<&str> = sigs
        .strip_suffix('\n')
        .expect("final newline")
        .split('\n')
        .collect();
    assert_eq!(lines.len(), 1);
    let (name, id, sig) = parse_sig_line(lines[0]);
    assert_eq!(name, vkey.name());
    assert_eq!(id, vkey.id(), "signature's key id");
    assert!(vkey.verify(text.as_bytes(), &sig), "note signature");

    // Ed25519 is deterministic: the private key from the same vectors makes
    // exactly this signature.
    let kp = KeyPair::from_private_string(field(&file, "signer_key")).expect("private key");
    assert_eq!(kp.sign(text.as_bytes()), sig);

    // Changed text or signature fails.
    let mut other = text.to_owned();
    other.insert(0, ' ');
    assert!(!vkey.verify(other.as_bytes(), &sig));
    assert!(!vkey.verify(text.trim_end().as_bytes(), &sig));
    let mut bad = sig;
    bad[10] ^= 0x40;
    assert!(!vkey.verify(text.as_bytes(), &bad));

    // The second key's signature over the same text verifies with its key
    // and not with the first.
    let second: VerifierKey = field(&file, "second_verifier_key")
        .parse()
        .expect("second verifier key");
    let (name2, id2, sig2) = parse_sig_line(field(&file, "second_signature_line"));
    assert_eq!(name2, second.name());
    assert_eq!(id2, second.id());
    assert!(second.verify(text.as_bytes(), &sig2));
    assert!(!vkey.verify(text.as_bytes(), &sig2));
    assert!(!second.verify(text.as_bytes(), &sig));
}
