//! Shared helpers for the tests of the `isnad` binary: a scratch newsroom
//! desk in a temporary directory, assertions on exit codes, error lines and
//! the ledger's state, and a running `isnad serve` or `isnad witness serve`.
//!
//! The umbrella binary (`tests/e2e`) uses all of it; the binaries kept apart
//! (`crash`, `faults`, `browser`) include it with a `dead_code` allow on the
//! `mod` line, since each uses a part.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use base64::Engine as _;
use isnad_core::{Entry, KeyPair};
use serde_json::Value;
use tempfile::TempDir;

/// A `&Path` as `&str` (every path here is under a UTF-8 temp directory).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The `isnad` binary of this package, which Cargo builds before the tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_isnad"))
}

/// The repository's root (this package is `crates/isnad-cli`): where
/// `tests/`, `docs/`, `schemas/` and the README are.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the package is two levels below the repository's root")
}

/// The binary, run in `cwd`, with no `ISNAD_*` variables inherited from the
/// environment the tests run in.
pub fn isnad_in(cwd: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(cwd)
        .env_remove("ISNAD_LEDGER")
        .env_remove("ISNAD_KEY")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG");
    c
}

/// Checks that `out` failed with exit code `code` and printed exactly one
/// line on stderr, starting `isnad: error:`; returns that line.
pub fn error_line(out: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code; stdout: {:?}; stderr: {stderr:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line, got {stderr:?}");
    assert!(
        lines[0].starts_with("isnad: error: "),
        "error line prefix: {stderr:?}"
    );
    lines[0].to_owned()
}

/// `claim add` arguments for a one-hop claim published by `rusi` (a
/// source every desk with sources has).
pub fn claim_args(text: &str) -> [&str; 10] {
    [
        "claim",
        "add",
        "--text",
        text,
        "--lang",
        "en",
        "--publisher",
        "rusi",
        "--date",
        "2025-02-18",
    ]
}

/// A ledger's observable state: entry count, head, and every byte of its
/// export.
#[derive(Debug, PartialEq, Eq)]
pub struct State {
    /// Number of entries (`verify --json`).
    pub entries: u64,
    /// Head id (`verify --json`).
    pub head: Option<String>,
    /// `export jsonl` output.
    pub export: Vec<u8>,
}

/// A newsroom desk in a temp directory: a ledger at `ledger` with the
/// founding admin, an editor key and a fact-checker key enrolled.
///
/// Every byte any command prints through [`Desk::run`] is kept, so a test can
/// check that no secret ever appears.
pub struct Desk {
    /// The temp directory (working directory of every command).
    pub tmp: TempDir,
    /// The ledger directory.
    pub ledger: PathBuf,
    /// The editor's private key file.
    pub editor: PathBuf,
    /// The fact-checker's private key file.
    pub checker: PathBuf,
    printed: RefCell<Vec<u8>>,
}

impl Desk {
    /// A temp directory and the paths, with nothing created yet.
    pub fn bare() -> Desk {
        let tmp = tempfile::tempdir().expect("tempdir");
        let ledger = tmp.path().join("ledger");
        let editor = tmp.path().join("editor.key");
        let checker = tmp.path().join("checker.key");
        Desk {
            tmp,
            ledger,
            editor,
            checker,
            printed: RefCell::new(Vec::new()),
        }
    }

    /// A ledger with its admin, an `editor` (editor role) and a `checker`
    /// (fact-checker role) enrolled: 3 entries.
    pub fn new() -> Desk {
        let d = Desk::bare();
        d.ok(&["init"]);
        d.ok(&["key", "new", "editor", "--out", s(&d.editor)]);
        d.ok(&["key", "new", "checker", "--out", s(&d.checker)]);
        d.ok(&["key", "enroll", s(&d.editor), "--role", "editor"]);
        d.ok(&["key", "enroll", s(&d.checker), "--role", "fact-checker"]);
        d
    }

    /// [`Desk::new`] plus four sources (7 entries): `agenzia-nova` and
    /// `fawasel-media` (outlets), `harchaoui` (person), `rusi` (organization).
    pub fn with_sources() -> Desk {
        let d = Desk::new();
        for (id, name, kind) in [
            ("agenzia-nova", "Agenzia Nova", "outlet"),
            ("fawasel-media", "Fawasel Media", "outlet"),
            ("harchaoui", "Jalel Harchaoui", "person"),
            ("rusi", "Royal United Services Institute", "organization"),
        ] {
            d.add(
                &d.editor,
                &["source", "add", id, "--name", name, "--kind", kind],
            );
        }
        d
    }

    /// The working directory.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// The binary with `--ledger` set to this desk's ledger.
    pub fn cmd(&self) -> Command {
        let mut c = isnad_in(self.dir());
        c.arg("--ledger").arg(&self.ledger);
        c
    }

    /// Runs `c` and keeps what it printed.
    pub fn run(&self, c: &mut Command) -> Output {
        let out = c.output().expect("run isnad");
        let mut p = self.printed.borrow_mut();
        p.extend_from_slice(&out.stdout);
        p.extend_from_slice(&out.stderr);
        out
    }

    /// Runs `isnad --ledger L ARGS…`.
    pub fn out(&self, args: &[&str]) -> Output {
        self.run(self.cmd().args(args))
    }

    /// Runs `isnad --ledger L ARGS…`, checks it succeeded and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.out(args);
        assert_success(&out, args);
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Like [`Desk::ok`] with `--json`, parsing stdout as one JSON value.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let stdout = self.ok(&a);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout:?}"))
    }

    /// Appends with `--key KEY --json ARGS…` and returns the new entry's id.
    pub fn add(&self, key: &Path, args: &[&str]) -> String {
        let mut a = vec!["--key", s(key)];
        a.extend_from_slice(args);
        let v = self.json(&a);
        assert_eq!(v["new"], true, "{args:?} added an entry: {v}");
        v["id"].as_str().expect("id").to_owned()
    }

    /// Records a one-hop claim published by `rusi` (a source every desk with
    /// sources has), signed with `key`; returns its id.
    pub fn add_claim(&self, key: &Path, text: &str) -> String {
        self.add(key, &claim_args(text))
    }

    /// Records an English claim signed with `key`: published by
    /// `publisher`, then each `via` hop back toward the origin
    /// (`SOURCE[:RELATION]`), dated `date`; returns its id.
    pub fn add_chain_claim(
        &self,
        key: &Path,
        text: &str,
        publisher: &str,
        via: &[&str],
        date: &str,
    ) -> String {
        let mut args = vec![
            "claim",
            "add",
            "--text",
            text,
            "--lang",
            "en",
            "--publisher",
            publisher,
            "--date",
            date,
        ];
        for v in via {
            args.extend(["--via", v]);
        }
        self.add(key, &args)
    }

    /// Records a verdict on `claim` with `rating`, confidence 100, signed
    /// with `key`; returns its id.
    pub fn rate(&self, key: &Path, claim: &str, rating: &str) -> String {
        self.add(
            key,
            &[
                "verdict",
                "add",
                claim,
                "--rating",
                rating,
                "--confidence",
                "100",
                "--rationale",
                "checked",
            ],
        )
    }

    /// Runs with `--key KEY ARGS…`, expects failure with `code`; returns the
    /// one error line.
    pub fn fail_as(&self, key: &Path, args: &[&str], code: i32) -> String {
        let mut a = vec!["--key", s(key)];
        a.extend_from_slice(args);
        self.fail(&a, code)
    }

    /// Runs `ARGS…`, expects failure with `code`; returns the one error line.
    pub fn fail(&self, args: &[&str], code: i32) -> String {
        let out = self.out(args);
        assert!(
            out.stdout.is_empty() || code == 1,
            "{args:?}: no output on stdout"
        );
        error_line(&out, code)
    }

    /// Runs `args` (with `--key key` when given) and checks: exit 2, one
    /// error line containing every fragment, the ledger unchanged, and no
    /// secret printed. Returns the line.
    pub fn refused(&self, key: Option<&Path>, args: &[&str], fragments: &[&str]) -> String {
        let before = self.state();
        let line = match key {
            Some(k) => self.fail_as(k, args, 2),
            None => self.fail(args, 2),
        };
        for f in fragments {
            assert!(line.contains(f), "{line:?} should mention {f:?}");
        }
        assert_eq!(self.state(), before, "{args:?} changed the ledger");
        self.assert_no_secrets();
        line
    }

    /// The ledger's entry count, head and export bytes.
    pub fn state(&self) -> State {
        self.state_at(&self.ledger)
    }

    /// [`Desk::state`] of another ledger, run from this desk.
    pub fn state_at(&self, ledger: &Path) -> State {
        let mut verify = isnad_in(self.dir());
        verify
            .arg("--ledger")
            .arg(ledger)
            .args(["--json", "verify"]);
        let out = self.run(&mut verify);
        assert_success(&out, &["verify"]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("verify --json");
        assert_eq!(v["ok"], true, "{v}");
        let mut export = isnad_in(self.dir());
        export.arg("--ledger").arg(ledger).args(["export", "jsonl"]);
        let export = self.run(&mut export);
        assert_success(&export, &["export", "jsonl"]);
        State {
            entries: v["entries"].as_u64().expect("entries"),
            head: v["head"].as_str().map(str::to_owned),
            export: export.stdout,
        }
    }

    /// The export, as lines (without newlines).
    pub fn export_lines(&self) -> Vec<Vec<u8>> {
        let st = self.state();
        st.export
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// The last entry of the ledger, parsed by the library.
    pub fn last_entry(&self) -> Entry {
        let lines = self.export_lines();
        Entry::parse(lines.last().expect("an entry")).expect("parses")
    }

    /// A key pair read from a private key file.
    pub fn keypair(path: &Path) -> KeyPair {
        let text = std::fs::read_to_string(path).expect("read key file");
        KeyPair::from_private_string(&text).expect("key file parses")
    }

    /// The ledger's own admin key.
    pub fn admin(&self) -> KeyPair {
        Desk::keypair(&self.ledger.join("keys").join("admin.key"))
    }

    /// Writes `bytes` to a file in the temp directory and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir().join(name);
        std::fs::write(&p, bytes).expect("write file");
        p
    }

    /// Everything printed so far by commands run through this desk.
    pub fn printed(&self) -> Vec<u8> {
        self.printed.borrow().clone()
    }

    /// Checks that no command run through this desk printed any private key
    /// found under its temp directory (the ledger's admin and log keys, and
    /// every other key file the test made), as the key string or its seed in
    /// base64 or hex. Returns how many keys were checked.
    pub fn assert_no_secrets(&self) -> usize {
        let printed = self.printed();
        let printed = String::from_utf8_lossy(&printed);
        // A private key string: PRIVATE+KEY+name+<8 hex>+… (the format
        // alone, as in "expected PRIVATE+KEY+name+keyid+key", is fine).
        for (at, _) in printed.match_indices("PRIVATE+KEY+") {
            let rest = &printed[at + "PRIVATE+KEY+".len()..];
            let id = rest.split('+').nth(1).unwrap_or("");
            assert!(
                !(id.len() >= 8 && id[..8].bytes().all(|b| b.is_ascii_hexdigit())),
                "a private key string was printed: {}",
                &printed[at..]
            );
        }
        let mut keys = Vec::new();
        private_keys(self.dir(), &mut keys);
        for (path, text) in &keys {
            // The secret is the base64 after `PRIVATE+KEY+name+id+`.
            let b64 = text.trim().splitn(5, '+').nth(4).expect("key string");
            assert!(b64.len() >= 40, "{b64}");
            assert!(
                !printed.contains(b64),
                "secret of {} printed",
                path.display()
            );
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64 seed");
            let seed = hex::encode(&raw[1..]);
            assert!(
                !printed.contains(&seed),
                "seed of {} printed",
                path.display()
            );
        }
        keys.len()
    }
}

/// Every file under `dir` that holds a private key string, with its text.
fn private_keys(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).expect("read dir") {
        let path = e.expect("dir entry").path();
        if path.is_dir() {
            private_keys(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            if text.starts_with("PRIVATE+KEY+") {
                out.push((path, text));
            }
        }
    }
}

/// Panics with the command's output unless it exited 0.
pub fn assert_success(out: &Output, args: &[&str]) {
    assert!(
        out.status.success(),
        "{args:?} failed ({:?}); stdout: {:?}; stderr: {:?}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The export `lines` joined back into a file's bytes (one `\n` after each).
pub fn jsonl(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// The mode bits of a file.
#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).expect("stat").permissions().mode() & 0o777
}

/// Seconds since the Unix epoch, by the system clock (entries are refused
/// more than five minutes ahead of it).
pub fn unix_now() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(d.as_secs()).expect("seconds fit i64")
}

/// [`unix_now`] as a timestamp.
pub fn now() -> isnad_core::Timestamp {
    isnad_core::Timestamp::from_unix(unix_now())
}

/// A claim saying `text`, published by `publisher` alone, dated 2025-02-18.
pub fn one_hop_claim(text: &str, publisher: &str) -> isnad_core::Record {
    use isnad_core::record::{Appearance, ClaimBody, Hop, HopRelation};
    isnad_core::Record::Claim(ClaimBody {
        text: text.into(),
        lang: "en".into(),
        quote: None,
        translations: vec![],
        chain: vec![Hop {
            source: publisher.parse().expect("slug"),
            relation: HopRelation::Reported,
        }],
        appeared: Appearance {
            date: "2025-02-18".into(),
            url: None,
            venue: None,
        },
    })
}

/// Copies a directory tree, file modes included (key files stay 0600).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("dir entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A running `isnad serve` on a free loopback port, stopped with SIGTERM
/// when dropped (or by [`Server::stop`]).
pub struct Server {
    child: std::process::Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Every line it wrote to standard error after the first (the request
    /// log), as they come.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `isnad --ledger LEDGER serve --listen 127.0.0.1:0` and reads
    /// the bound address from its first line on standard error.
    pub fn start(ledger: &Path) -> Server {
        Server::start_with(ledger, &[])
    }

    /// [`Server::start`] with more arguments to `serve`.
    pub fn start_with(ledger: &Path, extra: &[&str]) -> Server {
        use std::io::BufRead as _;
        let (child, mut reader, url) = spawn_server(
            std::process::Command::new(bin())
                .args(["--ledger", s(ledger), "serve", "--listen", "127.0.0.1:0"])
                .args(extra),
        );
        // Keep reading, so the server's later lines have somewhere to go.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            let mut rest = String::new();
            while reader.read_line(&mut rest).is_ok_and(|n| n > 0) {
                kept.lock().unwrap().push(rest.trim_end().to_owned());
                rest.clear();
            }
        });
        Server { child, url, log }
    }

    /// Sends SIGTERM and waits; the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let status = self.terminate();
        std::mem::forget(self);
        status.expect("wait for isnad serve")
    }

    fn terminate(&mut self) -> std::io::Result<std::process::ExitStatus> {
        sigterm(&mut self.child)
    }
}

/// Spawns the server `cmd` with no `ISNAD_*` variables and its standard
/// error piped, and reads the base URL it announces on its first line
/// (`… at http://ADDR/ …`).
fn spawn_server(
    cmd: &mut std::process::Command,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
    String,
) {
    use std::io::BufRead as _;
    use std::process::Stdio;
    let mut child = cmd
        .env_remove("ISNAD_LEDGER")
        .env_remove("ISNAD_KEY")
        .env_remove("ISNAD_SERVER")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut reader = std::io::BufReader::new(child.stderr.take().expect("piped stderr"));
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("the server's first line");
    let url = line
        .split(" at ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    (child, reader, url)
}

/// Sends SIGTERM to `child` and waits for it.
fn sigterm(child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.terminate();
    }
}

/// An HTTP client for the tests: every status is an answer, not an error.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into()
}

/// The status, content type and body of an answer.
pub fn http_answer(
    answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> (u16, String, String) {
    let mut r = answer.expect("an HTTP answer");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = r.body_mut().read_to_vec().expect("the body");
    (
        r.status().as_u16(),
        ct,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// A running `isnad witness serve`, stopped with SIGTERM when dropped (or
/// by [`WitnessServer::stop`]).
pub struct WitnessServer {
    child: std::process::Child,
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
}

impl WitnessServer {
    /// Starts `isnad witness serve DIR --listen 127.0.0.1:0` and reads the
    /// bound address from its first line on standard error.
    pub fn start(dir: &Path) -> Self {
        let (child, _, url) = spawn_server(std::process::Command::new(bin()).args([
            "witness",
            "serve",
            s(dir),
            "--listen",
            "127.0.0.1:0",
        ]));
        WitnessServer { child, url }
    }

    /// `POST /add-checkpoint`: status, content type, body.
    pub fn add(&self, old: u64, proof: &[String], note: &str) -> (u16, String, String) {
        let mut body = format!("old {old}\n");
        for h in proof {
            body.push_str(h);
            body.push('\n');
        }
        body.push('\n');
        body.push_str(note);
        http_answer(
            http_agent()
                .post(&format!("{}/add-checkpoint", self.url))
                .send(body.as_bytes()),
        )
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for it to exit.
    pub fn stop(mut self) {
        self.terminate();
        // Already waited for: nothing left for `drop` to do.
        std::mem::forget(self);
    }

    fn terminate(&mut self) {
        let _ = sigterm(&mut self.child);
    }
}

impl Drop for WitnessServer {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// Builds the demo ledger in `dir/demo` with the binary; returns its path.
pub fn build_demo(dir: &Path) -> PathBuf {
    let ledger = dir.join("demo");
    let out = isnad_in(dir)
        .args(["demo", s(&ledger)])
        .output()
        .expect("run isnad demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ledger
}

/// Whether `ISNAD_BLESS=1` asks the tests that compare a committed file
/// with what the code generates to rewrite the file instead.
pub fn blessing() -> bool {
    std::env::var("ISNAD_BLESS").as_deref() == Ok("1")
}

/// Fails the test that has just rewritten `what`: a blessing run never
/// passes, so `ISNAD_BLESS=1` left in an environment cannot turn a check
/// into a no-op. Re-running without it checks the new file.
pub fn blessed(what: &str) -> ! {
    panic!("blessed: {what} rewritten; re-run without ISNAD_BLESS")
}

/// xorshift64*, seeded: random choices (kill moments, requests) that are
/// the same on every run, so a failure can be repeated.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}
