#!/usr/bin/env python3
"""A real history for `idl breaking`: idl's findings next to buf's, edit by edit.

    python3 scripts/breaking-history.py                 # target/release/idl, the peers' buf and corpus
    python3 scripts/breaking-history.py --idl target/debug/idl --keep /tmp/history

Copies the googleapis corpus into a fresh git repository (commit `step0`), then
applies one real breaking edit per commit (`step1`, `step2`, ...): delete a field,
change a type, rename a message, delete an RPC, change a json_name, move a field
into a oneof, change a package. Every step is checked against the one before it by
both tools, with the rules of FILE, PACKAGE, WIRE_JSON and WIRE enabled at once;
the findings are then split by category (a rule's findings do not depend on which
other rules run), using buf's rule → categories table (idl's rules carry the same IDs and categories).

A finding is the same for both tools when (path, line, column, rule) agree (and the
message, at line 1, column 1, where buf puts deleted top-level elements); where buf
has no path (a deleted file) idl points at the element in the base instead, so
those compare by (rule, message).

By default both tools check only the directories the edits touch (`--path` for
buf, PATHS for idl; the whole corpus is still compiled where a file imports it):
on a busy 2-core machine a whole-corpus buf run takes minutes per step. `--whole`
checks every file.

Prints a Markdown report on stdout: per step and category, buf's count, idl's count
and how many are the same, then each step's findings side by side. Exit status 0
when every category of every step agrees, 1 otherwise, 2 on a usage error.
Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = Path(os.environ.get("IDL_PEERS", Path.home() / ".cache" / "idl-peers"))
CATEGORIES = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]
BUF_YAML = "version: v2\nbreaking:\n  use: [FILE, PACKAGE, WIRE_JSON, WIRE]\n"
IDL_TOML = '[breaking]\nuse = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]\n'

LIBRARY = "google/example/library/v1/library.proto"
PUBSUB = "google/pubsub/v1/pubsub.proto"
SQL_TIERS = "google/cloud/sql/v1/cloud_sql_tiers.proto"


class Failure(Exception):
    pass


def sub_once(text: str, pattern: str, replace: str, path: str) -> str:
    new, n = re.subn(pattern, replace, text, count=1, flags=re.S | re.M)
    if n != 1:
        raise Failure(f"{path}: the pattern {pattern!r} matched nothing; the corpus changed, update the edit")
    return new


def delete_block(text: str, start_pattern: str, path: str) -> str:
    """Deletes a declaration from its first line to the `}` that closes its body
    (or its `;` when it has none), comments above it included."""
    m = re.search(start_pattern, text, flags=re.M)
    if not m:
        raise Failure(f"{path}: {start_pattern!r} matched nothing; update the edit")
    start = m.start()
    # Leading comment lines belong to the declaration.
    while True:
        prev_end = text.rfind("\n", 0, start - 1) + 1 if start > 0 else 0
        line = text[prev_end:start].strip()
        if start > 0 and line.startswith("//"):
            start = prev_end
        else:
            break
    i, depth = m.start(), 0
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                i += 1
                break
        elif c == ";" and depth == 0:
            i += 1
            break
        i += 1
    end = text.find("\n", i) + 1
    return text[:start] + text[end:]


def rename_message(text: str, old: str, new: str, path: str, corpus: Path) -> str:
    others = [p for p in corpus.rglob("*.proto") if p.as_posix() != (corpus / path).as_posix() and re.search(rf"\b{old}\b", p.read_text(errors="replace"))]
    if others:
        raise Failure(f"{old} is used outside {path} ({others[0]}); pick another message to rename")
    sub_once(text, rf"\b{old}\b", new, path)
    return re.sub(rf"\b{old}\b", new, text)


# (what, file, edit): one commit each, in this order.
EDITS = [
    ("delete a field (Book.read)", LIBRARY,
     lambda t, c: delete_block(t, r"^  // Value indicating whether the book has been read\.\n  bool read = 4;", LIBRARY)),
    ("change a type (PullRequest.max_messages int32 → int64)", PUBSUB,
     lambda t, c: sub_once(t, r"int32 max_messages = 3", "int64 max_messages = 3", PUBSUB)),
    ("rename a message (MergeShelvesRequest → CombineShelvesRequest)", LIBRARY,
     lambda t, c: rename_message(t, "MergeShelvesRequest", "CombineShelvesRequest", LIBRARY, c)),
    ("delete an RPC (LibraryService.MoveBook)", LIBRARY,
     lambda t, c: delete_block(t, r"^  rpc MoveBook\(", LIBRARY)),
    ("change a json_name (Tier.Disk_Quota: DiskQuota → diskQuota)", SQL_TIERS,
     lambda t, c: sub_once(t, r'json_name = "DiskQuota"', 'json_name = "diskQuota"', SQL_TIERS)),
    ("move a field into a oneof (Book.author)", LIBRARY,
     lambda t, c: sub_once(t, r"^  string author = 2;", "  oneof attribution {\n    string author = 2;\n  }", LIBRARY)),
    ("change a package (google.example.library.v1 → v2)", LIBRARY,
     lambda t, c: sub_once(t, r"^package google\.example\.library\.v1;", "package google.example.library.v2;", LIBRARY)),
]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=idl-history", "-c", "user.email=idl@localhost", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def make_repo(corpus: Path, repo: Path) -> int:
    shutil.copytree(corpus, repo, ignore=shutil.ignore_patterns(".git", "buf.yaml", "buf.work.yaml", "idl.toml"))
    (repo / "buf.yaml").write_text(BUF_YAML)
    (repo / "idl.toml").write_text(IDL_TOML)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "step0: googleapis as shipped")
    git(repo, "tag", "step0")
    for n, (what, path, edit) in enumerate(EDITS, 1):
        target = repo / path
        target.write_text(edit(target.read_text(), corpus))
        git(repo, "commit", "-q", "-a", "-m", f"step{n}: {what}")
        git(repo, "tag", f"step{n}")
    return len(EDITS)


def run_json(argv: list[str], cwd: Path, ok: set[int]) -> list[dict]:
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if r.returncode not in ok:
        raise Failure(f"{' '.join(argv)} exited {r.returncode}:\n{r.stderr[-2000:]}")
    out = []
    for line in (r.stdout + "\n" + r.stderr).splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def key(path: str | None, line: int, column: int, rule: str, message: str, base_side: bool) -> tuple:
    if not path or base_side:
        return ("", 0, 0, rule, message)
    if (line, column) == (1, 1):
        # Several deletions share line 1, column 1 of a file: the message tells them apart.
        return (path, 1, 1, rule, message)
    return (path, line, column, rule, "")


def scope() -> list[str]:
    """The directories the edits touch."""
    return sorted({str(Path(path).parent) for _, path, _ in EDITS})


def buf_findings(buf: str, repo: Path, step: int, whole: bool) -> dict[tuple, str]:
    paths = [] if whole else [a for d in scope() for a in ("--path", d)]
    argv = [buf, "breaking", ".", "--against", f".git#tag=step{step - 1}", "--error-format", "json", *paths]
    found = run_json(argv, repo, {0, 100})
    return {key(f.get("path"), f["start_line"], f["start_column"], f["type"], f["message"], False): f["message"] for f in found}


def idl_findings(idl: str, repo: Path, step: int, whole: bool) -> dict[tuple, str]:
    paths = [] if whole else scope()
    found = run_json([idl, "breaking", *paths, "--against", f"step{step - 1}", "--format", "json"], repo, {0, 1})
    out = {}
    for f in found:
        if "rule" not in f:
            continue
        # The base's files show as `step0:google/...`.
        base_side = ":" in (f.get("path") or "")
        out[key(f.get("path"), f.get("start_line", 1), f.get("start_column", 1), f["rule"], f["message"], base_side)] = f["message"]
    return out


def buf_categories(buf: str) -> dict[str, set[str]]:
    r = subprocess.run([buf, "config", "ls-breaking-rules", "--version", "v2", "--configured-only=false", "--format", "json"],
                       capture_output=True, text=True, check=True)
    table = {}
    for line in r.stdout.splitlines():
        if line.strip().startswith("{"):
            rule = json.loads(line)
            table[rule["id"]] = set(rule.get("categories") or [])
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--idl", default=str(REPO / "target" / "release" / "idl"))
    ap.add_argument("--buf", default=str(PEERS / "bin" / "buf"))
    ap.add_argument("--corpus", default=str(PEERS / "googleapis"))
    ap.add_argument("--keep", metavar="DIR", help="build the repository here and keep it")
    ap.add_argument("--whole", action="store_true", help="check every file of the corpus, not only the edited directories")
    args = ap.parse_args()
    for what, p in (("idl", args.idl), ("buf", args.buf), ("corpus", args.corpus)):
        if not Path(p).exists():
            print(f"{what} not found: {p}", file=sys.stderr)
            return 2
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="idl-history-"))
    repo = work / "googleapis"
    if repo.exists():
        shutil.rmtree(repo)
    try:
        steps = make_repo(Path(args.corpus), repo)
        # idl's rules carry buf's IDs and v2 categories, so one table splits both.
        cats = buf_categories(args.buf)
        summary = ["| step | edit | category | buf | idl | same |", "|---|---|---|---:|---:|---:|"]
        details = []
        agree = True
        for step in range(1, steps + 1):
            what = EDITS[step - 1][0]
            # Both tools read the head from the working tree.
            git(repo, "checkout", "-q", f"step{step}")
            b, i = buf_findings(args.buf, repo, step, args.whole), idl_findings(args.idl, repo, step, args.whole)
            for cat in CATEGORIES:
                bk = {k for k in b if cat in cats.get(k[3], set())}
                ik = {k for k in i if cat in cats.get(k[3], set())}
                same = len(bk & ik)
                agree &= bk == ik
                summary.append(f"| {step} | {what} | {cat} | {len(bk)} | {len(ik)} | {same} |")
            details.append(f"\n### step {step}: {what}\n")
            details.append("| finding (rule: message) | buf | idl |\n|---|:-:|:-:|")
            for k in sorted(set(b) | set(i), key=lambda k: (k[3], k[0], k[1], k[2], k[4])):
                message = b.get(k) or i.get(k)
                where = f"{k[0]}:{k[1]}:{k[2]} " if k[0] else ""
                details.append(f"| {where}{k[3]}: {message} | {'✓' if k in b else ''} | {'✓' if k in i else ''} |")
        print("## idl breaking vs buf breaking on a googleapis history\n")
        print(f"idl: {args.idl}; buf: {args.buf}; corpus: {args.corpus}; repository: {repo}")
        print(f"checked: {'every file' if args.whole else ', '.join(scope())}\n")
        print("\n".join(summary))
        print("\n".join(details))
        return 0 if agree else 1
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
