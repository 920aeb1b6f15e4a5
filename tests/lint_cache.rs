//! `idl lint` with its persistent cache (src/lint/incremental/) prints exactly
//! what `--no-cache` prints: on random edits of a googleapis slice (each run
//! warm from the previous one), in every report format that reads the source,
//! and with a damaged table. `idl cache info|clean` see the lint tables. The
//! per-fixture comparison is `lint::tests::every_fixture_lints_the_same_through_the_cache`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (exit code, stdout, stderr), the cache in `cache`.
fn idl(dir: &Path, cache: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idl"))
        .args(args)
        .env("IDL_TIMINGS", "1")
        .env("IDL_CACHE_DIR", cache)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Lints cached and uncached, asserts the same exit code and stdout, and
/// returns how many target files the cached run compiled (`None`: it declined).
fn same_both_ways(dir: &Path, cache: &Path, args: &[&str]) -> Option<(usize, usize)> {
    let mut uncached_args = args.to_vec();
    uncached_args.push("--no-cache");
    let (code, out, err) = idl(dir, cache, args);
    let (uncached_code, uncached_out, _) = idl(dir, cache, &uncached_args);
    assert_eq!((code, &out), (uncached_code, &uncached_out), "cached and uncached differ for {args:?}\n{err}");
    for reason in err.lines().filter(|line| line.contains("lint cache: not used") || line.contains("warm path")) {
        eprintln!("{reason}");
    }
    let line =
        err.lines().find(|line| line.starts_with("idl: lint cache: ") && line.contains(" target files compiled"))?;
    let mut numbers = line.split_whitespace().filter_map(|word| word.parse::<usize>().ok());
    Some((numbers.next()?, numbers.next()?))
}

/// Waits until the files just written have stats the cache trusts (one this
/// recent is read again), so the counts of compiled files are exact.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(250));
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn corpus() -> Option<PathBuf> {
    let peers = std::env::var_os("IDL_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/idl-peers"));
    let corpus = peers.join("googleapis");
    if corpus.join("google/pubsub").is_dir() {
        Some(corpus)
    } else {
        eprintln!("skipping: no googleapis corpus at {} (run /work/shared/scripts/peers.sh)", corpus.display());
        None
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else if path.extension().is_some_and(|e| e == "proto") {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

fn list_protos(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_protos(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// Sixteen rounds of one to three random edits each (a comment, a renamed
/// message, a changed field type, a shared request, a moved package, a deleted
/// file, an ignore comment), every round linted warm from the one before (the
/// previous round's edits undone), cached and uncached. Edits that break the
/// compile make the cache decline, which must also print the same.
#[test]
fn random_edits_of_a_googleapis_slice_lint_the_same_cached() {
    let Some(corpus) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    for dir in ["google/api", "google/pubsub", "google/type", "google/rpc", "google/longrunning", "google/logging/type"]
    {
        copy_dir(&corpus.join(dir), &d.join(dir));
    }
    for dir in ["google/api/servicecontrol", "google/api/servicemanagement"] {
        let _ = std::fs::remove_dir_all(d.join(dir));
    }
    write(&d, "buf.yaml", "version: v2\n");
    let cache = tmp.path().join("cache");
    let args = ["lint", ".", "--preset", "buf-standard", "--format", "json"];
    let (compiled, targets) = same_both_ways(&d, &cache, &args).expect("the cold run is cached");
    assert_eq!(compiled, targets, "a cold run compiles everything");
    assert_eq!(same_both_ways(&d, &cache, &args), Some((0, targets)), "a warm run compiles nothing");
    let mut files: Vec<String> = Vec::new();
    list_protos(&d, &d, &mut files);
    files.sort();
    let mut partial = 0;
    let rpc = regex::Regex::new(r"rpc (\w+)\(\s*([\w.]+)\s*\)\s*returns\s*\(\s*([\w.]+)\s*\)").unwrap();
    let mut edits: Vec<String> = Vec::new();
    for seed in 1..=16u64 {
        // Undo the last round's edits (so a broken compile does not pile up),
        // keeping the cache warm from the last run.
        for name in edits.drain(..) {
            std::fs::copy(corpus.join(&name), d.join(&name)).unwrap();
        }
        let mut rng = Lcg(seed);
        for _ in 0..1 + rng.next(3) {
            let name = &files[rng.next(files.len())];
            let path = d.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            // Seven of ten edits keep the files compiling; the other three (a
            // deletion, a renamed message, a moved package) often do not.
            let edited = match rng.next(10) {
                0 => None,
                1 | 2 => Some(format!("{text}\n// edited {seed}\n")),
                3 => Some(text.replacen("message ", "message lower_", 1)),
                4 => Some(text.replacen("string ", "bytes ", 1)),
                // The first RPC returns its request (RPC_REQUEST_RESPONSE_UNIQUE).
                5 => Some(rpc.replacen(&text, 1, "rpc $1($2) returns ($2)").into_owned()),
                6 => Some(text.replacen("package google.", "package moved.", 1)),
                7 => Some(text.replacen("_UNSPECIFIED = 0", "_UNKNOWN = 0", 1)),
                8 => Some(text.replacen("  string name = 1", "  string Name = 1", 1)),
                _ => Some(text.replacen("  // ", "  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n  // ", 1)),
            };
            match &edited {
                None => std::fs::remove_file(&path).unwrap(),
                Some(edited) => std::fs::write(&path, edited).unwrap(),
            }
            edits.push(name.clone());
        }
        let outcome = same_both_ways(&d, &cache, &args);
        eprintln!("seed {seed}: edited {edits:?}: compiled {outcome:?}");
        if outcome.is_some_and(|(compiled, targets)| compiled < targets) {
            partial += 1;
        }
    }
    assert!(partial >= 6, "only {partial} of 16 edited runs compiled less than everything");
    // The formats that read the source (snippets, fingerprints).
    for format in ["text", "sarif", "short", "github"] {
        let args = ["lint", ".", "--preset", "buf-standard", "--format", format];
        same_both_ways(&d, &cache, &args);
        same_both_ways(&d, &cache, &args);
    }
}

/// A damaged table is a miss, not a wrong answer; `--no-cache` writes nothing;
/// `idl cache info` counts lint entries and `idl cache clean` removes them.
#[test]
fn the_lint_cache_is_safe_to_damage_and_to_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    write(&d, "idl.toml", "[lint]\npreset = \"buf-standard\"\n");
    write(
        &d,
        "acme/user/v1/user.proto",
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage user { string Name = 1; }\n",
    );
    write(
        &d,
        "acme/user/v1/api.proto",
        "syntax = \"proto3\";\npackage acme.user.v1;\nimport \"acme/user/v1/user.proto\";\nservice Users { rpc Get(user) returns (user); }\n",
    );
    let cache = tmp.path().join("cache");
    let (code, out, _) = idl(&d, &cache, &["lint", "--no-cache", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert!(!cache.exists(), "--no-cache wrote {}", cache.display());
    assert_eq!(same_both_ways(&d, &cache, &["lint", "--format", "json"]), Some((2, 2)));
    let (_, info, _) = idl(&d, &cache, &["cache", "info", "--format", "json"]);
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert!(info["lint_entries"].as_u64().unwrap() >= 3, "{info}");
    let cache_files = |suffix: &str| -> Vec<PathBuf> {
        std::fs::read_dir(cache.join("v1"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("lint-"))
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect()
    };
    let damage = |path: &Path| {
        let mut bytes = std::fs::read(path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        std::fs::write(path, &bytes).unwrap();
    };
    let json = ["lint", "--format", "json"];
    // The warm path answers from the snapshot and the log of renderings
    // without the table; a damaged log or snapshot is a decline.
    let (_, expected, _) = idl(&d, &cache, &["lint", "--format", "json", "--no-cache"]);
    let warm = |why: &str| {
        let (_, out, err) = idl(&d, &cache, &json);
        assert_eq!(out, expected, "{why}");
        err.lines().find(|line| line.contains("the warm path declined")).map(str::to_string)
    };
    assert_eq!(warm("the warm path"), None, "the warm path answers");
    for log in cache_files(".log") {
        damage(&log);
    }
    assert!(warm("a damaged log").is_some_and(|line| line.contains("log")), "a damaged log declines");
    assert_eq!(warm("the log rewritten"), None, "the declined run wrote a new log");
    for snapshot in cache_files(".snap") {
        damage(&snapshot);
    }
    assert!(warm("a damaged snapshot").is_some_and(|line| line.contains("snapshot")), "a damaged snapshot declines");
    for file in cache_files(".snap").into_iter().chain(cache_files(".bin")) {
        damage(&file);
    }
    assert_eq!(same_both_ways(&d, &cache, &json), Some((2, 2)), "a damaged table and snapshot are all misses");
    assert_eq!(same_both_ways(&d, &cache, &["lint", "--format", "json"]), Some((0, 2)));
    let (code, _, _) = idl(&d, &cache, &["cache", "clean"]);
    assert_eq!(code, 0);
    let (_, info, _) = idl(&d, &cache, &["cache", "info", "--format", "json"]);
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["lint_entries"], 0, "{info}");
}

/// How many files the warm path read (the rest it trusted by their stat), or
/// `None` when it did not answer.
fn warm_reads(err: &str) -> Option<usize> {
    let line = err.lines().find(|line| line.starts_with("idl: lint cache: the warm path read "))?;
    line.split_whitespace().filter_map(|word| word.parse().ok()).next()
}

/// The warm path trusts a file whose stat is what the last run saw, but only
/// a stat taken well after the file last changed; an edit that keeps the size
/// and puts the modification time back still changes the ctime, and is seen.
#[test]
fn the_warm_path_trusts_only_settled_unchanged_stats() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    write(&d, "idl.toml", "[lint]\npreset = \"buf-standard\"\n");
    let first = "syntax = \"proto3\";\npackage acme.user.v1;\nmessage User { string name = 1; }\n";
    write(&d, "acme/user/v1/user.proto", first);
    write(
        &d,
        "acme/user/v1/api.proto",
        "syntax = \"proto3\";\npackage acme.user.v1;\nimport \"acme/user/v1/user.proto\";\nservice UserService { rpc GetUser(User) returns (User); }\n",
    );
    let cache = tmp.path().join("cache");
    let args = ["lint", "--format", "json"];
    let run = |why: &str| {
        let (code, out, err) = idl(&d, &cache, &args);
        let (uncached_code, uncached, _) = idl(&d, &cache, &["lint", "--format", "json", "--no-cache"]);
        assert_eq!((code, &out), (uncached_code, &uncached), "{why}\n{err}");
        (out, warm_reads(&err))
    };
    // Written just now: the first runs read every file.
    let (_, reads) = run("cold");
    assert_eq!(reads, None, "no snapshot yet");
    settle();
    // Read again unless the cold run started 100 ms after the files were
    // written (a slow machine): its stats were then settled already.
    let (_, reads) = run("the files have settled since the snapshot was taken");
    assert!(matches!(reads, Some(0 | 2)), "{reads:?}");
    let (clean, reads) = run("warm, nothing changed");
    assert_eq!(reads, Some(0), "settled, unchanged stats are trusted");
    assert!(!clean.contains("FIELD_LOWER_SNAKE_CASE"), "{clean}");
    // Touched, bytes unchanged (a checkout): read again, and the same answer.
    let path = d.join("acme/user/v1/user.proto");
    std::fs::write(&path, first).unwrap();
    let (out, reads) = run("touched");
    assert_eq!((out.as_str(), reads), (clean.as_str(), Some(1)));
    settle();

    // The same size, the old modification time: the ctime still moves.
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let edited = first.replace("string name = 1", "string Nam_ = 1");
    assert_eq!(edited.len(), first.len());
    std::fs::write(&path, &edited).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
    let (out, reads) = run("an edit that keeps the size and the mtime");
    assert_eq!(reads, Some(1), "the edited file is read");
    assert!(out.contains("FIELD_LOWER_SNAKE_CASE"), "the edit is seen: {out}");
    // Edited again right away: a stat this recent is never trusted later.
    std::fs::write(&path, first).unwrap();
    let (out, _) = run("edited back right away");
    assert_eq!(out, clean);
    std::fs::write(&path, &edited).unwrap();
    let (out, reads) = run("and again");
    assert_eq!(reads, Some(1));
    assert!(out.contains("FIELD_LOWER_SNAKE_CASE"), "{out}");
    // A stat that is not settled (here: modified "in the future") is never
    // trusted, however often it is seen unchanged.
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(future).unwrap();
    for attempt in ["first", "second", "third"] {
        let (_, reads) = run(attempt);
        assert_eq!(reads, Some(1), "{attempt} run after the mtime moved ahead");
    }
}

/// Whether the run took its files from a remembered walk (IDL_TIMINGS is on, so
/// a walk that was not remembered says why).
fn walked_again(err: &str) -> bool {
    err.lines().any(|line| line.starts_with("idl: walk of ") && line.contains("not remembered"))
}

/// A cached run takes the files of its last walk while no directory and no
/// ignore file changed (src/workspace/listing.rs); every change to what a walk
/// would find (a file added or removed, a new directory, an edited or new
/// `.gitignore`, a changed `excludes`) is seen by the next run, which lints
/// exactly what `--no-cache` lints.
#[test]
fn a_remembered_walk_sees_every_change_to_what_a_walk_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    let config = "[lint]\npreset = \"buf-standard\"\n";
    write(&d, "idl.toml", config);
    write(
        &d,
        "acme/user/v1/user.proto",
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage User { string name = 1; }\n",
    );
    let cache = tmp.path().join("cache");
    let run = |why: &str| -> (String, bool) {
        let (code, out, err) = idl(&d, &cache, &["lint", "--format", "json"]);
        let (uncached_code, uncached, _) = idl(&d, &cache, &["lint", "--format", "json", "--no-cache"]);
        assert_eq!((code, &out), (uncached_code, &uncached), "{why}\n{err}");
        (out, walked_again(&err))
    };
    let bad = |name: &str| format!("syntax = \"proto3\";\npackage acme.{name}.v1;\nmessage {name}_msg {{}}\n");
    settle();
    assert!(run("cold").1, "nothing remembered yet");
    let (_, again) = run("warm");
    assert!(!again, "an unchanged tree is not walked again");

    // A file added in an existing directory, then one in a new directory.
    settle();
    write(&d, "acme/user/v1/extra.proto", &bad("user"));
    let (out, again) = run("a file added");
    assert!(again && out.contains("extra.proto"), "{out}");
    settle();
    write(&d, "acme/order/v1/order.proto", &bad("order"));
    let (out, _) = run("a directory added");
    assert!(out.contains("order/v1/order.proto"), "{out}");
    // A walk right after a change is not remembered (its stats are too recent
    // to trust); the next one, once settled, is.
    settle();
    run("settled again");
    assert!(!run("remembered again").1);

    // Ignored by a new .gitignore, then by an edit of it that keeps the directory's times.
    write(&d, ".gitignore", "acme/order/\n");
    let (out, again) = run("a new .gitignore");
    assert!(again && !out.contains("order.proto"), "{out}");
    settle();
    run("settled with the .gitignore");
    assert!(!run("remembered with the .gitignore").1);
    std::fs::write(d.join(".gitignore"), "acme/user/v1/extra.proto\n").unwrap();
    let (out, again) = run("the .gitignore edited in place");
    assert!(again && out.contains("order.proto") && !out.contains("extra.proto"), "{out}");

    // A file removed; the config's excludes changed.
    settle();
    std::fs::remove_file(d.join("acme/order/v1/order.proto")).unwrap();
    let (out, again) = run("a file removed");
    assert!(again && !out.contains("order.proto"), "{out}");
    settle();
    run("settled after the removal");
    assert!(!run("remembered after the removal").1);
    std::fs::write(d.join("idl.toml"), format!("excludes = [\"acme/user\"]\n{config}")).unwrap();
    let (out, _) = run("excludes changed");
    assert!(!out.contains("user.proto"), "{out}");
}

/// The cache evicts the files written longest ago. A run answered by the warm
/// path rewrites its snapshot but not the table or the walk's memo it relies
/// on: those have their times moved, so they are not evicted as unused.
#[test]
fn what_a_warm_run_relies_on_stays_recent_for_eviction() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    write(&d, "idl.toml", "[lint]\npreset = \"buf-standard\"\n");
    write(
        &d,
        "acme/user/v1/user.proto",
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage User { string name = 1; }\n",
    );
    let cache = tmp.path().join("cache");
    std::thread::sleep(std::time::Duration::from_millis(250));
    for _ in 0..3 {
        idl(&d, &cache, &["lint", "--format", "json"]);
    }
    let files: Vec<PathBuf> = std::fs::read_dir(cache.join("v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".bin") && name.starts_with("lint-") || name.starts_with("walk-")
        })
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for file in &files {
        std::fs::File::open(file).unwrap().set_modified(old).unwrap();
    }
    let (_, _, err) = idl(&d, &cache, &["lint", "--format", "json"]);
    assert_eq!(warm_reads(&err), Some(0), "{err}");
    for file in &files {
        let modified = std::fs::metadata(file).unwrap().modified().unwrap();
        assert!(modified > old + std::time::Duration::from_secs(3000), "{} kept its old time", file.display());
    }
}

/// `HTTP_ROUTE_UNIQUE` looks across files from their facts, so the google and
/// uber-v2 presets (which select it) are cached too: a warm run that compiles
/// only the edited file still sees a route it now shares with a file it did not
/// compile, in either file's direction.
#[test]
fn a_route_clash_with_a_file_the_warm_run_did_not_compile_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/google-api"), &d);
    write(&d, "idl.toml", "[lint]\nuse = [\"HTTP_ROUTE_UNIQUE\"]\n");
    let service = |package: &str, rpc: &str, route: &str| {
        format!(
            "syntax = \"proto3\";\npackage {package};\nimport \"google/api/annotations.proto\";\n\
             service {rpc}Service {{\n  rpc {rpc}({rpc}Request) returns ({rpc}Request) {{\n    \
             option (google.api.http) = {{ get: \"{route}\" }};\n  }}\n}}\n\
             message {rpc}Request {{ string name = 1; string shelf = 2; }}\n"
        )
    };
    write(&d, "acme/a/v1/a.proto", &service("acme.a.v1", "GetShelf", "/v1/{name=shelves/*}"));
    write(&d, "acme/b/v1/b.proto", &service("acme.b.v1", "Describe", "/v1/books/{name}"));
    let cache = tmp.path().join("cache");
    let args = ["lint", "acme", "--format", "json"];
    settle();
    let compiled = same_both_ways(&d, &cache, &args).expect("the cache is used with HTTP_ROUTE_UNIQUE");
    assert_eq!(compiled, (2, 2), "cold: both files compiled");

    write(&d, "acme/b/v1/b.proto", &service("acme.b.v1", "Describe", "/v1/shelves/{shelf}"));
    settle();
    assert_eq!(same_both_ways(&d, &cache, &args), Some((1, 2)), "warm: the edited file only");
    let (_, out, _) = idl(&d, &cache, &args);
    assert!(out.contains("acme/b/v1/b.proto") && out.contains("(acme/a/v1/a.proto:6:39)"), "{out}");

    // The first binding moves away: the clash reported in b.proto, which did not
    // change, goes with it (b.proto's report is rendered again, so the run
    // reads it; what it compiles for that is the cache's business).
    write(&d, "acme/a/v1/a.proto", &service("acme.a.v1", "GetShelf", "/v1/{name=racks/*}"));
    settle();
    assert!(same_both_ways(&d, &cache, &args).is_some(), "cached");
    let (code, out, _) = idl(&d, &cache, &args);
    assert_eq!((code, out.as_str()), (0, ""), "no clash left");
}

/// The `ERRORS_*` rules check the targets' error tables from their facts, so a
/// run that selects them is cached, and a clash with a file the warm run did not
/// compile is still seen, in either file's direction.
#[test]
fn an_error_code_clash_with_a_file_the_warm_run_did_not_compile_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("ws");
    write(
        &d,
        "idl.toml",
        "[lint]\nuse = [\"ERRORS_DUPLICATE_CODE\"]\n\n[errors]\nenums = [\"ErrorReason\"]\nbusiness_code = \"number\"\n",
    );
    let errors = |package: &str, value: &str, number: u32| {
        format!(
            "syntax = \"proto3\";\npackage {package};\n\n// Errors.\nenum ErrorReason {{\n  \
             ERROR_REASON_UNSPECIFIED = 0;\n  // Failed.\n  {value} = {number};\n}}\n"
        )
    };
    write(&d, "acme/a/v1/a.proto", &errors("acme.a.v1", "A_FAILED", 1));
    write(&d, "acme/b/v1/b.proto", &errors("acme.b.v1", "B_FAILED", 2));
    let cache = tmp.path().join("cache");
    let args = ["lint", "acme", "--format", "json"];
    settle();
    let compiled = same_both_ways(&d, &cache, &args).expect("the cache is used with the ERRORS_* rules");
    assert_eq!(compiled, (2, 2), "cold: both files compiled");
    let (code, out, _) = idl(&d, &cache, &args);
    assert_eq!((code, out.as_str()), (0, ""), "no clash yet");

    write(&d, "acme/b/v1/b.proto", &errors("acme.b.v1", "B_FAILED", 1));
    settle();
    assert_eq!(same_both_ways(&d, &cache, &args), Some((1, 2)), "warm: the edited file only");
    let (_, out, _) = idl(&d, &cache, &args);
    assert!(out.contains("ERRORS_DUPLICATE_CODE") && out.contains("acme/b/v1/b.proto"), "{out}");
    assert!(out.contains("already used by `acme.a.v1.ErrorReason.A_FAILED`"), "{out}");

    // The first value moves away: the clash reported in b.proto goes with it.
    write(&d, "acme/a/v1/a.proto", &errors("acme.a.v1", "A_FAILED", 3));
    settle();
    assert!(same_both_ways(&d, &cache, &args).is_some(), "cached");
    let (code, out, _) = idl(&d, &cache, &args);
    assert_eq!((code, out.as_str()), (0, ""), "no clash left");
}
