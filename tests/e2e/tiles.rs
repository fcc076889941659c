//! End-to-end tests of the log as C2SP tlog-tiles through the `isnad`
//! binary: `export tiles` checked against an RFC 6962 tree computed here
//! from the export alone, and `mirror` following a static directory and an
//! HTTP server as the source grows, refusing a fork, a rollback, tampered
//! tiles and bundles and another key's checkpoint, and leaving the mirror
//! as it was each time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Output};

use crate::common::*;
use isnad_core::tiles::{self, Tile};
use isnad_core::{KeyPair, Ledger, demo};
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

type Hash = [u8; 32];

// An RFC 6962 tree and the C2SP tile layout, written here from the
// specifications rather than taken from the library.

fn sha(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn leaf(line: &[u8]) -> Hash {
    sha(&[&[0], line])
}

fn mth(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => sha(&[]),
        1 => hashes[0],
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            sha(&[&[1], &mth(&hashes[..k]), &mth(&hashes[k..])])
        }
    }
}

fn index_path(n: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = n;
    loop {
        groups.push(format!("{:03}", rest % 1000));
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    groups.reverse();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| if i < last { format!("x{g}") } else { g.clone() })
        .collect::<Vec<_>>()
        .join("/")
}

fn tile_path(level: &str, n: u64, width: usize) -> String {
    let suffix = if width < 256 {
        format!(".p/{width}")
    } else {
        String::new()
    };
    format!("tile/{level}/{}{suffix}", index_path(n))
}

/// Every file a tiled log of these export lines publishes, but the
/// checkpoint: each level's hashes cut into tiles of 256, and the lines
/// into bundles of 256 with 16-bit lengths.
fn expected_tiles(lines: &[Vec<u8>]) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let leaves: Vec<Hash> = lines.iter().map(|l| leaf(l)).collect();
    for (n, chunk) in lines.chunks(256).enumerate() {
        let mut bundle = Vec::new();
        for l in chunk {
            bundle.extend_from_slice(&u16::try_from(l.len()).unwrap().to_be_bytes());
            bundle.extend_from_slice(l);
        }
        out.insert(tile_path("entries", n as u64, chunk.len()), bundle);
    }
    let mut span = 1usize;
    for level in 0.. {
        // Hashes of the complete subtrees of `span` leaves.
        let hashes: Vec<Hash> = leaves.chunks_exact(span).map(mth).collect();
        if hashes.is_empty() {
            break;
        }
        for (n, chunk) in hashes.chunks(256).enumerate() {
            out.insert(
                tile_path(&level.to_string(), n as u64, chunk.len()),
                chunk.concat(),
            );
        }
        span *= 256;
    }
    out
}

/// The root of a tree from its published partial tiles alone: each
/// level's partial tile, top down, is a run of complete subtrees; folding
/// them as RFC 6962 does gives the root.
fn root_from_files(size: u64, files: &BTreeMap<String, Vec<u8>>) -> Hash {
    // (subtree height, hash), left to right, merged like a binary counter.
    let mut stack: Vec<(u32, Hash)> = Vec::new();
    for level in (0..8u32).rev() {
        let width = (size >> (8 * level)) % 256;
        if width == 0 {
            continue;
        }
        let n = size >> (8 * level + 8);
        let tile = &files[&tile_path(&level.to_string(), n, width as usize)];
        for h in tile.chunks_exact(32) {
            let mut node = (8 * level, <Hash>::try_from(h).unwrap());
            while let Some(&(height, left)) = stack.last() {
                if height != node.0 {
                    break;
                }
                stack.pop();
                node = (height + 1, sha(&[&[1], &left, &node.1]));
            }
            stack.push(node);
        }
    }
    let mut it = stack.iter().rev();
    let Some(&(_, mut acc)) = it.next() else {
        return sha(&[]);
    };
    for (_, left) in it {
        acc = sha(&[&[1], left, &acc]);
    }
    acc
}

/// Every file under `dir`, by its path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_str().unwrap().to_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The demo ledger in a desk's directory, as its `ledger`.
fn demo_desk() -> Desk {
    let d = Desk::bare();
    d.ok(&["demo", s(&d.ledger)]);
    d
}

fn editor_key(ledger: &Path) -> PathBuf {
    ledger
        .join("keys")
        .join(format!("{}.key", demo::EDITOR_KEY))
}

/// Appends a claim to the ledger at `ledger` through the binary.
fn claim(d: &Desk, ledger: &Path, text: &str) {
    let mut c = isnad_in(d.dir());
    c.arg("--ledger")
        .arg(ledger)
        .arg("--key")
        .arg(editor_key(ledger))
        .args(claim_args(text));
    assert_success(&d.run(&mut c), &["claim", text]);
}

/// Appends `count` sources to the ledger at `ledger`, in one batch signed
/// with the demo's editor key (quicker than as many processes).
fn grow(ledger: &Path, tag: &str, count: usize) {
    let l = Ledger::open(ledger).unwrap();
    let key: KeyPair = demo::key(demo::EDITOR_KEY).unwrap();
    let mut b = l.batch(now()).unwrap();
    for i in 0..count {
        b.append(
            &key,
            isnad_core::Record::Source(isnad_core::record::SourceBody {
                id: format!("{tag}-{i}").parse().unwrap(),
                name: format!("Outlet {tag} {i}"),
                kind: isnad_core::record::SourceKind::Outlet,
                url: None,
                language: None,
                affiliations: vec![],
                description: None,
            }),
        )
        .unwrap();
    }
    b.commit().unwrap();
}

/// Runs the binary in the desk's directory with `--ledger ledger`.
fn at(d: &Desk, ledger: &Path, args: &[&str]) -> Output {
    let mut c = isnad_in(d.dir());
    c.arg("--ledger").arg(ledger).args(args);
    d.run(&mut c)
}

fn ok_at(d: &Desk, ledger: &Path, args: &[&str]) -> String {
    let out = at(d, ledger, args);
    assert_success(&out, args);
    String::from_utf8(out.stdout).unwrap()
}

/// `export tiles DIR` of the ledger at `ledger`.
fn export_tiles(d: &Desk, ledger: &Path, dir: &Path) -> String {
    ok_at(d, ledger, &["export", "tiles", s(dir)])
}

/// The export lines of the ledger at `ledger`.
fn lines(d: &Desk, ledger: &Path) -> Vec<Vec<u8>> {
    let out = at(d, ledger, &["export", "jsonl"]);
    assert_success(&out, &["export"]);
    out.stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// The log's verifier key, written to a file.
fn vkey_file(d: &Desk, ledger: &Path, name: &str) -> PathBuf {
    let vk = ok_at(d, ledger, &["checkpoint", "--vkey"]);
    d.file(name, vk.as_bytes())
}

/// `isnad mirror URL DIR --vkey FILE`.
fn mirror(d: &Desk, url: &str, dir: &Path, vkey: &Path) -> Output {
    let mut c = isnad_in(d.dir());
    c.args(["mirror", url, s(dir), "--vkey", s(vkey)]);
    d.run(&mut c)
}

fn mirror_json(d: &Desk, url: &str, dir: &Path, vkey: &Path) -> Value {
    let mut c = isnad_in(d.dir());
    c.args(["--json", "mirror", url, s(dir), "--vkey", s(vkey)]);
    let out = d.run(&mut c);
    assert_success(&out, &["mirror", url]);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Everything a mirror holds: its export, its checkpoint file, and what
/// `verify` reports of its ledger.
fn mirror_state(d: &Desk, dir: &Path) -> (Vec<Vec<u8>>, Vec<u8>, Value) {
    let ledger = dir.join("ledger");
    let v: Value = serde_json::from_str(&ok_at(d, &ledger, &["--json", "verify"])).unwrap();
    assert_eq!(v["ok"], true);
    (
        lines(d, &ledger),
        std::fs::read(dir.join("checkpoint")).unwrap(),
        v,
    )
}

fn fetched(v: &Value) -> Vec<&str> {
    v["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

#[test]
fn export_tiles_of_the_demo_are_its_tree_and_entries() {
    let d = demo_desk();
    let out = d.dir().join("pub");
    let text = export_tiles(&d, &d.ledger, &out);
    assert_eq!(
        text,
        format!(
            "tiles of 35 entries in {}: 3 files written, 0 unchanged\n",
            s(&out)
        )
    );
    let mut want = expected_tiles(&d.export_lines());
    want.insert("checkpoint".into(), d.ok(&["checkpoint"]).into_bytes());
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        ["checkpoint", "tile/0/000.p/35", "tile/entries/000.p/35"]
    );
    let got = files(&out);
    assert_eq!(got, want);
    // The demo's root, as FORMAT.md gives it, from the tile alone.
    let root = root_from_files(35, &got);
    assert_eq!(
        base64_std(&root),
        "Dx2iscnPPJa3XH6bN7diP/xiNgers6wOvzD/ePoegXY="
    );
    // Again: nothing changes.
    let v = d.json(&["export", "tiles", s(&out)]);
    assert_eq!(
        (v["written"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(v["previous"], 35);
    assert_eq!(files(&out), want);

    // Past two full tiles and a level-1 tile: the full tiles appear, the
    // partial tiles of those indexes go, and the partial tiles alone still
    // give the checkpoint's root.
    grow(&d.ledger, "wide", 565);
    let v = d.json(&["export", "tiles", s(&out)]);
    assert_eq!(v["size"], 600);
    assert_eq!(v["removed"], 2);
    let mut want = expected_tiles(&d.export_lines());
    let note = d.ok(&["checkpoint"]);
    want.insert("checkpoint".into(), note.clone().into_bytes());
    let got = files(&out);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        [
            "checkpoint",
            "tile/0/000",
            "tile/0/001",
            "tile/0/002.p/88",
            "tile/1/000.p/2",
            "tile/entries/000",
            "tile/entries/001",
            "tile/entries/002.p/88"
        ]
    );
    assert_eq!(got, want);
    let root = root_from_files(600, &got);
    let cp = isnad_core::checkpoint::Checkpoint::parse_text(&note).unwrap();
    assert_eq!((cp.size(), cp.root()), (600, &root));
    assert_eq!(
        root,
        mth(&d.export_lines().iter().map(|l| leaf(l)).collect::<Vec<_>>())
    );
}

/// docs/FORMAT.md's known answers for the demo's tiles are what
/// `export tiles` writes.
#[test]
fn format_known_answers_are_the_demo_tiles() {
    let format = std::fs::read_to_string(repo().join("docs/FORMAT.md")).unwrap();
    let section = format
        .split("## 18. Tiles")
        .nth(1)
        .expect("FORMAT.md has section 18")
        .split("**Using tiles.**")
        .next()
        .unwrap()
        .replace('\n', " ");
    let d = demo_desk();
    let out = d.dir().join("pub");
    export_tiles(&d, &d.ledger, &out);
    for path in ["tile/0/000.p/35", "tile/entries/000.p/35"] {
        let bytes = std::fs::read(out.join(path)).unwrap();
        let len = bytes.len().to_string();
        let len = format!("{},{}", &len[..len.len() - 3], &len[len.len() - 3..]);
        let want = format!(
            "`{path}` is {len} bytes with SHA-256 `{}`",
            hex::encode(Sha256::digest(&bytes))
        );
        assert!(section.contains(&want), "FORMAT.md should say {want:?}");
    }
    let root = root_from_files(35, &files(&out));
    assert!(section.contains(&format!("`{}`", base64_std(&root))));
}

fn base64_std(h: &Hash) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

// An export killed while it wrote leaves `.NAME.PID.tmp` files; the next
// export removes those whose process is gone, and no others.
#[test]
fn export_tiles_removes_the_temporary_files_of_a_killed_export() {
    let d = demo_desk();
    let out = d.dir().join("pub");
    // No process has an id this large (Linux's limit is 2^22).
    let dead = [
        out.join(".checkpoint.4294967295.tmp"),
        out.join("tile/entries/000.p/.35.4294967295.tmp"),
    ];
    let alive = out.join(format!("tile/entries/000.p/.35.{}.tmp", std::process::id()));
    for f in dead.iter().chain([&alive]) {
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, b"half a tile").unwrap();
    }
    let v: Value = serde_json::from_str(&ok_at(
        &d,
        &d.ledger,
        &["--json", "export", "tiles", s(&out)],
    ))
    .unwrap();
    assert_eq!(v["abandoned"], 2, "{v}");
    assert!(dead.iter().all(|f| !f.exists()));
    assert!(alive.exists(), "a running process's file is left alone");
    std::fs::remove_file(&alive).unwrap();
    let mut want = expected_tiles(&d.export_lines());
    want.insert("checkpoint".into(), d.ok(&["checkpoint"]).into_bytes());
    assert_eq!(files(&out), want);
}

// A mirror whose creation was killed in its first moments left only a
// staging directory; the next run clears it and mirrors.
#[test]
fn mirror_starts_over_after_a_creation_killed_early() {
    let d = demo_desk();
    let out = d.dir().join("pub");
    let m = d.dir().join("mirror");
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    export_tiles(&d, &d.ledger, &out);
    let staging = m.join(".ledger.creating.4294967295");
    std::fs::create_dir_all(staging.join("store")).unwrap();
    std::fs::write(staging.join("isnad.ledger"), b"").unwrap();
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    assert!(!staging.exists());
    assert_eq!(lines(&d, &m.join("ledger")), d.export_lines());
}

#[test]
fn export_tiles_refuses_a_directory_it_would_roll_back_or_rewrite() {
    let d = demo_desk();
    let out = d.dir().join("pub");
    // An older copy of the ledger, and a copy that went another way.
    let old = d.dir().join("old");
    copy_dir(&d.ledger, &old);
    let fork = d.dir().join("fork");
    copy_dir(&d.ledger, &fork);
    claim(&d, &d.ledger, "what the original says");
    claim(&d, &fork, "what the fork says");
    export_tiles(&d, &d.ledger, &out);
    let published = files(&out);
    for (ledger, words) in [(&old, "roll the log back"), (&fork, "rewrite history")] {
        let checkpoints = ok_at(&d, ledger, &["--json", "verify"]);
        let out_err = at(&d, ledger, &["export", "tiles", s(&out)]);
        let line = error_line(&out_err, 2);
        assert!(line.contains(words), "{line}");
        assert_eq!(files(&out), published);
        // Nothing was signed either.
        assert_eq!(ok_at(&d, ledger, &["--json", "verify"]), checkpoints);
    }
    // Another log's directory.
    let other = Desk::bare();
    other.ok(&["init", "--origin", "other.example/log"]);
    let other_dir = d.dir().join("other");
    export_tiles(&d, &other.ledger, &other_dir);
    let line = error_line(&at(&d, &d.ledger, &["export", "tiles", s(&other_dir)]), 2);
    assert!(line.contains("not a checkpoint of this log"), "{line}");
    // Without the log key and no checkpoint of the current size: refused
    // before anything is written.
    claim(&d, &d.ledger, "not yet signed");
    std::fs::rename(d.ledger.join("keys/log.key"), d.dir().join("log.key")).unwrap();
    let before = d.state();
    let line = d.fail(&["export", "tiles", s(&out)], 2);
    assert!(line.contains("log key"), "{line}");
    assert_eq!(files(&out), published);
    assert_eq!(d.state(), before);
    let v = d.json(&[
        "export",
        "tiles",
        s(&out),
        "--log-key",
        s(&d.dir().join("log.key")),
    ]);
    assert_eq!(v["size"], 37);
    d.assert_no_secrets();
}

#[test]
fn mirror_follows_a_static_directory_as_the_log_grows() {
    let d = demo_desk();
    let out = d.dir().join("pub");
    let m = d.dir().join("mirror");
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    export_tiles(&d, &d.ledger, &out);
    let first = mirror(&d, s(&out), &m, &vk);
    assert_success(&first, &["mirror"]);
    assert_eq!(
        String::from_utf8(first.stdout).unwrap(),
        "mirrored 35 new entries; now 35, checkpoint verified (demo.isnad.example/agenzia-nova-2025)\n"
    );
    // The mirror is an ordinary ledger: verify, trace and replay work on it.
    let ml = m.join("ledger");
    let v = ok_at(&d, &ml, &["verify"]);
    assert!(v.contains("35 entries verified"), "{v}");
    assert!(v.contains("1 signed checkpoint"), "{v}");
    assert_eq!(lines(&d, &ml), d.export_lines());
    let replay: Value = serde_json::from_str(&ok_at(&d, &ml, &["--json", "replay"])).unwrap();
    assert_eq!(replay["state_root"], d.json(&["replay"])["state_root"]);
    let claim_id = d.json(&["log", "--kind", "claim"])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ok_at(&d, &ml, &["trace", &claim_id]),
        d.ok(&["trace", &claim_id])
    );
    assert_eq!(
        std::fs::read_to_string(m.join("checkpoint")).unwrap(),
        d.ok(&["checkpoint"])
    );
    let again = mirror(&d, s(&out), &m, &vk);
    assert_success(&again, &["mirror again"]);
    assert!(
        String::from_utf8(again.stdout)
            .unwrap()
            .starts_with("up to date: 35 entries")
    );

    // One claim more: only the changed partial tile and bundle are fetched.
    claim(&d, &d.ledger, "a later claim");
    export_tiles(&d, &d.ledger, &out);
    let v = mirror_json(&d, s(&out), &m, &vk);
    assert_eq!(
        (v["before"].as_u64(), v["added"].as_u64()),
        (Some(35), Some(1))
    );
    assert_eq!(
        fetched(&v),
        ["checkpoint", "tile/entries/000.p/36", "tile/0/000.p/36"]
    );
    // Past a full tile, then a little more: the full tiles are fetched
    // once, and not again.
    grow(&d.ledger, "more", 250);
    export_tiles(&d, &d.ledger, &out);
    let v = mirror_json(&d, s(&out), &m, &vk);
    assert_eq!(v["size"], 286);
    assert_eq!(
        fetched(&v),
        [
            "checkpoint",
            "tile/entries/000",
            "tile/entries/001.p/30",
            "tile/0/000",
            "tile/0/001.p/30",
            "tile/1/000.p/1"
        ]
    );
    grow(&d.ledger, "last", 3);
    export_tiles(&d, &d.ledger, &out);
    let v = mirror_json(&d, s(&out), &m, &vk);
    assert_eq!(
        fetched(&v),
        ["checkpoint", "tile/entries/001.p/33", "tile/0/001.p/33"]
    );
    let (mirrored, cp, verified) = mirror_state(&d, &m);
    assert_eq!(mirrored, d.export_lines());
    assert_eq!(cp, std::fs::read(out.join("checkpoint")).unwrap());
    assert_eq!(verified["checkpoints"], 4);
    assert_eq!(verified["entries"], 289);
    // The mirror can publish the log in turn, byte for byte the same.
    let republished = d.dir().join("republished");
    let _ = ok_at(&d, &ml, &["export", "tiles", s(&republished)]);
    let mut original = files(&out);
    let mut copy = files(&republished);
    // The origin's directory keeps older partial tiles of the index still
    // partial; the mirror's has only the current ones.
    original.retain(|k, _| copy.contains_key(k));
    copy.retain(|k, _| original.contains_key(k));
    assert_eq!(copy, original);
    assert_eq!(copy.len(), 6);
}

#[test]
fn mirror_refuses_a_rewritten_or_rolled_back_history() {
    let d = demo_desk();
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    let (out, m) = (d.dir().join("pub"), d.dir().join("mirror"));
    // Copies before the log grows: one stays behind, one forks.
    let (old, fork) = (d.dir().join("old"), d.dir().join("fork"));
    copy_dir(&d.ledger, &old);
    copy_dir(&d.ledger, &fork);
    claim(&d, &d.ledger, "what the original says");
    export_tiles(&d, &d.ledger, &out);
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    let before = mirror_state(&d, &m);

    claim(&d, &fork, "what the fork says");
    let (fork_out, old_out) = (d.dir().join("fork-pub"), d.dir().join("old-pub"));
    export_tiles(&d, &fork, &fork_out);
    export_tiles(&d, &old, &old_out);
    // Same origin and key: the fork's checkpoint is validly signed.
    assert_eq!(
        std::fs::read_to_string(vkey_file(&d, &fork, "fork.vkey")).unwrap(),
        std::fs::read_to_string(&vk).unwrap()
    );
    let line = error_line(&mirror(&d, s(&fork_out), &m, &vk), 1);
    assert!(line.contains("rewrote history"), "{line}");
    assert_eq!(mirror_state(&d, &m), before);
    // The fork grows past the mirror: still a rewrite.
    claim(&d, &fork, "and more of it");
    grow(&fork, "fork", 5);
    export_tiles(&d, &fork, &fork_out);
    let line = error_line(&mirror(&d, s(&fork_out), &m, &vk), 1);
    assert!(line.contains("rewrote history"), "{line}");
    assert!(line.contains("entry 35"), "{line}");
    assert_eq!(mirror_state(&d, &m), before);
    // The old copy: a rollback.
    let line = error_line(&mirror(&d, s(&old_out), &m, &vk), 1);
    assert!(line.contains("rolled back"), "{line}");
    assert_eq!(mirror_state(&d, &m), before);
    // The original still mirrors.
    claim(&d, &d.ledger, "the original goes on");
    export_tiles(&d, &d.ledger, &out);
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    assert_eq!(mirror_state(&d, &m).0, d.export_lines());
}

#[test]
fn mirror_refuses_tampered_tiles_and_bundles() {
    let d = demo_desk();
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    let (out, m) = (d.dir().join("pub"), d.dir().join("mirror"));
    export_tiles(&d, &d.ledger, &out);
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    let before = mirror_state(&d, &m);
    claim(&d, &d.ledger, "one more");
    claim(&d, &d.ledger, "and another");
    export_tiles(&d, &d.ledger, &out);
    let bundle = out.join("tile/entries/000.p/37");
    let tile = out.join("tile/0/000.p/37");
    // (file, byte to change, exit code): an entry's byte, a hash's byte,
    // a length prefix (the bundle no longer frames 37 entries).
    let bundle_len = std::fs::read(&bundle).unwrap().len();
    let cases = [
        (&bundle, bundle_len - 5, 1),
        (&bundle, 40, 1),
        (&bundle, 0, 2),
        (&tile, 0, 1),
        (&tile, 36 * 32 + 7, 1),
    ];
    for (file, at, code) in cases {
        let good = std::fs::read(file).unwrap();
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        std::fs::write(file, &bad).unwrap();
        let line = error_line(&mirror(&d, s(&out), &m, &vk), code);
        assert_eq!(mirror_state(&d, &m), before, "{line}");
        // A new mirror from the same files is not created at all.
        let fresh = d.dir().join("fresh");
        error_line(&mirror(&d, s(&out), &fresh, &vk), code);
        assert!(!fresh.exists());
        std::fs::write(file, &good).unwrap();
    }
    // A tile cut short is unusable input; a missing one cannot be fetched.
    let good = std::fs::read(&tile).unwrap();
    std::fs::write(&tile, &good[..good.len() - 1]).unwrap();
    let line = error_line(&mirror(&d, s(&out), &m, &vk), 2);
    assert!(line.contains("tile/0/000.p/37"), "{line}");
    std::fs::remove_file(&tile).unwrap();
    let line = error_line(&mirror(&d, s(&out), &m, &vk), 2);
    assert!(line.contains("fetching tile/0/000.p/37"), "{line}");
    assert_eq!(mirror_state(&d, &m), before);
    std::fs::write(&tile, &good).unwrap();
    let v = mirror_json(&d, s(&out), &m, &vk);
    assert_eq!(v["added"], 2);
}

#[test]
fn mirror_refuses_a_checkpoint_signed_by_another_key() {
    let d = demo_desk();
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    let (out, m) = (d.dir().join("pub"), d.dir().join("mirror"));
    export_tiles(&d, &d.ledger, &out);
    // A log that took the demo's origin with a key of its own.
    let impostor = Desk::bare();
    impostor.ok(&["init", "--origin", demo::ORIGIN]);
    let impostor_out = d.dir().join("impostor");
    export_tiles(&d, &impostor.ledger, &impostor_out);
    let line = error_line(&mirror(&d, s(&impostor_out), &m, &vk), 1);
    assert!(line.contains("signed note"), "{line}");
    assert!(!m.exists());
    // The demo's tiles, checked with the impostor's key.
    let other_vk = vkey_file(&d, &impostor.ledger, "impostor.vkey");
    let line = error_line(&mirror(&d, s(&out), &m, &other_vk), 1);
    assert!(line.contains("signed note"), "{line}");
    assert!(!m.exists());
    // Once a mirror follows the demo, it follows no other key.
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    let before = mirror_state(&d, &m);
    let line = error_line(&mirror(&d, s(&impostor_out), &m, &other_vk), 2);
    assert!(line.contains("this mirror follows"), "{line}");
    // The demo's checkpoint replaced by the impostor's.
    std::fs::copy(impostor_out.join("checkpoint"), out.join("checkpoint")).unwrap();
    error_line(&mirror(&d, s(&out), &m, &vk), 1);
    assert_eq!(mirror_state(&d, &m), before);
}

#[test]
fn mirror_input_errors_exit_2() {
    let d = demo_desk();
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    let out = d.dir().join("pub");
    export_tiles(&d, &d.ledger, &out);
    let m = d.dir().join("mirror");
    let no = |args: &[&str]| {
        let mut c = isnad_in(d.dir());
        c.arg("mirror").args(args);
        error_line(&d.run(&mut c), 2)
    };
    let line = no(&["no-such-dir", s(&m), "--vkey", s(&vk)]);
    assert!(line.contains("neither"), "{line}");
    let line = no(&["ftp://example.invalid/log", s(&m), "--vkey", s(&vk)]);
    assert!(line.contains("neither"), "{line}");
    let line = no(&["http://", s(&m), "--vkey", s(&vk)]);
    assert!(line.contains("http://"), "{line}");
    let line = no(&[s(&out), s(&m), "--vkey", "nonsense"]);
    assert!(line.contains("--vkey"), "{line}");
    let private = d.ledger.join("keys/log.key");
    let line = no(&[s(&out), s(&m), "--vkey", s(&private)]);
    assert!(
        line.contains("private key") && !line.contains("PRIVATE+KEY+"),
        "{line}"
    );
    let line = no(&[
        s(&d.dir().join("empty-dir-missing")),
        s(&m),
        "--vkey",
        s(&vk),
    ]);
    assert!(line.contains("neither"), "{line}");
    // A directory with no published log in it.
    let empty = d.dir().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let line = no(&[s(&empty), s(&m), "--vkey", s(&vk)]);
    assert!(line.contains("fetching checkpoint"), "{line}");
    // A mirror directory that holds something else.
    let busy = d.dir().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let line = no(&[s(&out), s(&busy), "--vkey", s(&vk)]);
    assert!(line.contains("not empty"), "{line}");
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    assert!(!m.exists());
    // A mirror another process has open: in use, after --wait.
    assert_success(&mirror(&d, s(&out), &m, &vk), &["mirror"]);
    {
        let _held = Ledger::open(&m.join("ledger")).unwrap();
        let mut c = isnad_in(d.dir());
        c.args(["--wait", "0.2", "mirror", s(&out), s(&m), "--vkey", s(&vk)]);
        let line = error_line(&d.run(&mut c), 2);
        assert!(
            line.contains("in use") && line.contains("--wait SECONDS"),
            "{line}"
        );
    }
    d.assert_no_secrets();
}

/// `python3 -m http.server` serving `dir` on a loopback port the system
/// picks; killed (by its own handle) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts the server on port 0 and reads the port it bound from its
    /// first line, `Serving HTTP on 127.0.0.1 port N (…) ...`, which it
    /// prints once it listens.
    fn start(dir: &Path) -> Server {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs (the interop tests need it too)");
        let mut out = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        out.read_line(&mut line)
            .expect("the HTTP server's first line");
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in the HTTP server's line {line:?}"));
        // Keep reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Server { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn mirror_over_http() {
    let d = demo_desk();
    let vk = vkey_file(&d, &d.ledger, "log.vkey");
    let site = d.dir().join("site");
    let out = site.join("logs").join("demo");
    export_tiles(&d, &d.ledger, &out);
    let server = Server::start(&site);
    let url = format!("{}/logs/demo/", server.url());
    let m = d.dir().join("mirror");
    let v = mirror_json(&d, &url, &m, &vk);
    assert_eq!(
        (v["created"].as_bool(), v["size"].as_u64()),
        (Some(true), Some(35))
    );
    claim(&d, &d.ledger, "served later");
    export_tiles(&d, &d.ledger, &out);
    let v = mirror_json(&d, url.trim_end_matches('/'), &m, &vk);
    assert_eq!(v["added"], 1);
    assert_eq!(
        fetched(&v),
        ["checkpoint", "tile/entries/000.p/36", "tile/0/000.p/36"]
    );
    assert_eq!(mirror_state(&d, &m).0, d.export_lines());
    let before = mirror_state(&d, &m);
    // A prefix with nothing under it: 404, input error, nothing changes.
    let line = error_line(
        &mirror(&d, &format!("{}/logs/none", server.url()), &m, &vk),
        2,
    );
    assert!(line.contains("404"), "{line}");
    let fresh = d.dir().join("fresh");
    error_line(
        &mirror(&d, &format!("{}/nothing", server.url()), &fresh, &vk),
        2,
    );
    assert!(!fresh.exists());
    // A tile changed on the server: refused.
    let tile = out.join("tile/0/000.p/36");
    claim(&d, &d.ledger, "and one more");
    export_tiles(&d, &d.ledger, &out);
    let tile37 = out.join("tile/0/000.p/37");
    let mut bytes = std::fs::read(&tile37).unwrap();
    bytes[100] ^= 0x80;
    std::fs::write(&tile37, &bytes).unwrap();
    error_line(&mirror(&d, &url, &m, &vk), 1);
    assert_eq!(mirror_state(&d, &m), before);
    assert!(tile.exists());
    drop(server);
    // The server is gone: a network error, input error.
    let line = error_line(&mirror(&d, &url, &m, &vk), 2);
    assert!(line.contains("fetching checkpoint"), "{line}");
}

/// The tiles the library lists and computes for every tree of 0 to 600
/// leaves are the ones computed here, and their partial tiles alone give
/// the tree's root.
#[test]
fn tiles_of_every_size_up_to_600_rebuild_the_root() {
    let lines: Vec<Vec<u8>> = (0..600u32)
        .map(|i| format!("entry {i}").into_bytes())
        .collect();
    let leaves: Vec<Hash> = lines.iter().map(|l| leaf(l)).collect();
    for n in 0..=600usize {
        let want = expected_tiles(&lines[..n]);
        let mut got = BTreeMap::new();
        for t in tiles::tiles(n as u64) {
            got.insert(t.path(), tiles::tile_from_leaves(&t, &leaves[..n]).unwrap());
        }
        for b in tiles::bundles(n as u64) {
            let start = b.start().unwrap() as usize;
            let refs: Vec<&[u8]> = lines[start..start + usize::from(b.width())]
                .iter()
                .map(Vec::as_slice)
                .collect();
            got.insert(b.path(), tiles::encode_bundle(&b, &refs).unwrap());
        }
        assert_eq!(got, want, "size {n}");
        assert_eq!(
            root_from_files(n as u64, &got),
            mth(&leaves[..n]),
            "size {n}"
        );
        let by_library = tiles::root_from_tiles(n as u64, &mut |t| Ok(got[&t.path()].clone()));
        assert_eq!(by_library.unwrap(), mth(&leaves[..n]), "size {n}");
    }
}

proptest! {
    // For any tree size: the partial tiles' widths add up to the size,
    // each path parses back to its tile, and paths match the reference
    // encoding.
    #[test]
    fn partial_tiles_of_any_size_add_up(size in any::<u64>()) {
        let mut total: u128 = 0;
        for level in 0..8u8 {
            if let Some(t) = tiles::partial_tile(size, level) {
                total += u128::from(t.width()) << (8 * u32::from(level));
                prop_assert_eq!(Tile::parse(&t.path()).unwrap(), t);
                prop_assert_eq!(
                    t.path(),
                    tile_path(&level.to_string(), t.index(), usize::from(t.width()))
                );
                prop_assert_eq!(t.end(), Some(size >> (8 * u32::from(level)) << (8 * u32::from(level))));
            }
        }
        prop_assert_eq!(total, u128::from(size));
    }

    #[test]
    fn paths_round_trip(level in 0u8..64, index in any::<u64>(), width in 1u16..=256) {
        let t = Tile::hashes(level, index, width).unwrap();
        prop_assert_eq!(Tile::parse(&t.path()).unwrap(), t);
        prop_assert_eq!(t.path(), tile_path(&level.to_string(), index, usize::from(width)));
        let e = Tile::entries(index, width).unwrap();
        prop_assert_eq!(Tile::parse(&e.path()).unwrap(), e);
    }
}
