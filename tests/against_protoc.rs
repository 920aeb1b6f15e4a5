//! idl's descriptor sets against protoc's, compared semantically (custom
//! options parsed, files sorted) by `scripts/compare-fds.py`, source info
//! included. They run where `../shared/scripts/peers.sh` has installed the
//! peers (as `.ci/run` does) and say so and pass where it has not.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Peers {
    protoc: PathBuf,
    python: PathBuf,
    googleapis: PathBuf,
}

fn peers() -> Option<Peers> {
    let dir = std::env::var_os("IDL_PEERS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers")))?;
    let peers = Peers {
        protoc: dir.join("bin/protoc"),
        python: dir.join("venv/bin/python"),
        googleapis: dir.join("googleapis"),
    };
    if peers.protoc.is_file() && peers.python.is_file() {
        Some(peers)
    } else {
        eprintln!("skipped: no peers at {} (run ../shared/scripts/peers.sh)", dir.display());
        None
    }
}

fn protos_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "proto") {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Builds `root` with protoc and with idl (source info included) and returns
/// the comparator's last line; panics when they differ.
fn compare_with_protoc(peers: &Peers, root: &Path) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let theirs = tmp.path().join("protoc.binpb");
    let ours = tmp.path().join("idl.binpb");
    let files = protos_under(root);
    let status = Command::new(&peers.protoc)
        .current_dir(root)
        .args(["-I.", "--include_imports", "--include_source_info", "-o"])
        .arg(&theirs)
        .args(&files)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "protoc failed on {}", root.display());
    let out = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(root)
        .args(["build", ".", "--source-info", "--format", "short", "-o"])
        .arg(&ours)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/compare-fds.py");
    let cmp = Command::new(&peers.python).arg(script).arg("--source-info").arg(&theirs).arg(&ours).output().unwrap();
    let report = String::from_utf8_lossy(&cmp.stdout).into_owned();
    assert!(cmp.status.success(), "descriptor sets differ:\n{report}{}", String::from_utf8_lossy(&cmp.stderr));
    let summary = report.lines().last().unwrap_or_default().to_string();
    eprintln!("{}: {summary}", root.display());
    summary
}

#[test]
fn editions_files_equal_protoc() {
    let Some(peers) = peers() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/compile/editions");
    let summary = compare_with_protoc(&peers, &root);
    assert!(summary.ends_with("equal"), "{summary}");
}

#[test]
fn googleapis_equals_protoc() {
    let Some(peers) = peers() else { return };
    if !peers.googleapis.is_dir() {
        eprintln!("skipped: no googleapis corpus at {}", peers.googleapis.display());
        return;
    }
    let summary = compare_with_protoc(&peers, &peers.googleapis);
    assert!(summary.starts_with("compared 7218 files"), "{summary}");
}
