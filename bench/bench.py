#!/usr/bin/env python3
"""idl vs buf on the googleapis corpus: wall time and peak memory, scenario by scenario.

    python3 bench/bench.py                      # every default scenario, 5 reps each
    python3 bench/bench.py --only build,lint --reps 3
    python3 bench/bench.py --side buf           # only the peer side (no idl binary needed)
    python3 bench/bench.py --skip-missing       # skip scenarios whose idl subcommand is not there yet
    python3 bench/bench.py --list               # the scenario table, commands as run

Python 3.11 standard library only. See bench/README.md for what is measured and how.

Each scenario is a pair of commands (idl, buf) from the SCENARIOS table below. Both
run in a work directory the script builds (a copy of the corpus with a buf.yaml; a
throwaway git repository for `breaking`), never in the corpus itself. One warm-up
run per side, then N repetitions interleaved idl, buf, idl, buf, ...; wall time by
time.perf_counter around spawn-to-reap, peak RSS by os.wait4 (ru_maxrss, KiB on
Linux: the largest single process of the child's tree, not a sum).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = Path(os.environ.get("IDL_PEERS", Path.home() / ".cache" / "idl-peers"))

# buf.yaml written at the root of the corpus copy (and committed in the breaking repo).
# v2, one module at the root; lint STANDARD and breaking FILE are buf's defaults, spelled
# out so that a change of buf's defaults does not silently change the benchmark.
BUF_YAML = """\
version: v2
lint:
  use:
    - STANDARD
breaking:
  use:
    - FILE
"""

# The head commit of the breaking repo: one breaking change (a field's type) and one
# compatible one (a new message), in one file. Fails loudly if the corpus no longer
# has the text it edits.
BREAKING_EDIT = {
    "path": "google/pubsub/v1/pubsub.proto",
    "pattern": r"(message PublishRequest \{.*?)string topic = 1",
    "replace": r"\1bytes topic = 1",
    "append": "\nmessage BenchAddedMessage {\n  string name = 1;\n}\n",
}
BASE_BRANCH = "base"
HEAD_BRANCH = "head"

# `breaking-one-change`: a clone of the breaking repo with branch `one` checked out,
# which changes one file compatibly (a field added to a leaf service's file): the
# common pull request, where idl compares only the changed file, its dependants and
# its package's files.
ONE_CHANGE_EDIT = {
    "path": "google/cloud/vision/v1/image_annotator.proto",
    "pattern": r"(message Feature \{)",
    "replace": r"\1\n  // Added by bench.py's breaking-one-change.\n  string bench_added = 1001;",
}
ONE_CHANGE_BRANCH = "one"

# `lint-warm`: before every run (both sides, warm-up included) this file gets one
# more comment line, so each run sees one edited file, as after a save in an editor.
WARM_EDIT_PATH = "google/pubsub/v1/pubsub.proto"

# An idl subcommand that is not there yet exits 2 and says so (or clap rejects it).
MISSING_RE = re.compile(r"not yet available|unrecognized subcommand", re.I)


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    idl: tuple[str, ...] | None  # argv template; None: not measured on this side
    buf: tuple[str, ...] | None
    cwd: str = "{corpus}"  # template
    idl_ok: frozenset[int] = frozenset({0})  # exit codes that are not failures
    buf_ok: frozenset[int] = frozenset({0})
    needs_repo: bool = False  # needs the throwaway git repo ({repo})
    reps: int = 5  # default repetitions (--reps overrides)
    verify: tuple[str, str, tuple[str, ...]] | None = None  # (idl output, buf output, compare-fds flags)
    default: bool = True  # run when --only is not given
    count_findings: bool = False  # record how many JSON findings each side printed (same work done?)
    edit_before_run: str | None = None  # a file (relative to cwd) given one more comment line before each run
    # idl's persistent cache starts empty for every run (a first run: compile everything,
    # write the cache). Otherwise the scenario's runs share one cache directory under
    # the workdir (warm after the warm-up run), never the user's own.
    fresh_cache: bool = False


# Placeholders: {idl} {buf} {corpus} (the corpus copy, with buf.yaml) {repo} (git repo, head
# checked out, branch `base` to compare against) {repo_one} (its clone with branch `one`
# checked out) {out} (a scratch directory for outputs).
# Exit codes: idl uses 0 ok / 1 findings / 2 error; buf uses 100 for findings.
SCENARIOS: list[Scenario] = [
    Scenario(
        "build",
        "compile the corpus to a FileDescriptorSet, imports included, no source info",
        idl=("{idl}", "build", ".", "-o", "{out}/idl-build.binpb"),
        buf=("{buf}", "build", ".", "--exclude-source-info", "--as-file-descriptor-set", "-o", "{out}/buf-build.binpb"),
        verify=("{out}/idl-build.binpb", "{out}/buf-build.binpb", ()),
    ),
    Scenario(
        "build-source-info",
        "the same with source info (buf build's default output)",
        idl=("{idl}", "build", ".", "-o", "{out}/idl-build-si.binpb", "--source-info"),
        buf=("{buf}", "build", ".", "--as-file-descriptor-set", "-o", "{out}/buf-build-si.binpb"),
        verify=("{out}/idl-build-si.binpb", "{out}/buf-build-si.binpb", ("--source-info",)),
    ),
    Scenario(
        "lint",
        "lint the corpus with buf's STANDARD rules, JSON output (idl: an empty cache each run, which it fills)",
        idl=("{idl}", "lint", ".", "--preset", "buf-standard", "--format", "json"),
        buf=("{buf}", "lint", ".", "--error-format", "json"),
        idl_ok=frozenset({0, 1}),
        buf_ok=frozenset({0, 100}),
        fresh_cache=True,
    ),
    Scenario(
        "format",
        "check formatting of every file (buf: print the diff, exit 100 when there is one)",
        idl=("{idl}", "format", "--check", "."),
        buf=("{buf}", "format", ".", "-d", "--exit-code"),
        idl_ok=frozenset({0, 1}),
        buf_ok=frozenset({0, 100}),
    ),
    Scenario(
        "breaking",
        "breaking-change check of the head commit against branch `base` of a git repo of the corpus",
        idl=("{idl}", "breaking", "--against", BASE_BRANCH, "--format", "json"),
        buf=("{buf}", "breaking", ".", "--against", ".git#branch=" + BASE_BRANCH, "--error-format", "json"),
        cwd="{repo}",
        idl_ok=frozenset({0, 1}),
        buf_ok=frozenset({0, 100}),
        needs_repo=True,
        count_findings=True,
    ),
    Scenario(
        "breaking-one-change",
        "breaking-change check of a branch that changes one file (compatibly) against branch `base`",
        idl=("{idl}", "breaking", "--against", BASE_BRANCH, "--format", "json"),
        buf=("{buf}", "breaking", ".", "--against", ".git#branch=" + BASE_BRANCH, "--error-format", "json"),
        cwd="{repo_one}",
        needs_repo=True,
        count_findings=True,
    ),
    Scenario(
        "lint-warm",
        "lint the corpus again after one file was edited (idl: what its cache can skip; buf: no cache)",
        idl=("{idl}", "lint", ".", "--preset", "buf-standard", "--format", "json"),
        buf=("{buf}", "lint", ".", "--error-format", "json"),
        idl_ok=frozenset({0, 1}),
        buf_ok=frozenset({0, 100}),
        edit_before_run=WARM_EDIT_PATH,
    ),
    Scenario(
        "openapi",
        "the merged OpenAPI document of every HTTP binding of the corpus, written to a file; idl only (buf has no equivalent)",
        idl=("{idl}", "openapi", ".", "-o", "{out}/idl-openapi.yaml"),
        buf=None,
        # 1: HTTP_ROUTE_UNIQUE findings (two methods on one verb and path) on googleapis.
        idl_ok=frozenset({0, 1}),
        reps=3,
    ),
    Scenario(
        "lint-one",
        "latency of linting one file (google/pubsub/v1/pubsub.proto), idl only",
        idl=("{idl}", "lint", "google/pubsub/v1/pubsub.proto", "--preset", "buf-standard", "--format", "json"),
        buf=None,
        idl_ok=frozenset({0, 1}),
        reps=30,
    ),
]

# Templates written into the work directory for the generate scenarios (placeholders
# expanded). Outs are absolute, under {out}: the corpus copy stays as it was.
GEN_TEMPLATES = {
    # protoc-gen-go (Debian's, on PATH), paths=source_relative as most repos use it.
    "gen-go.yaml": "version: v2\nplugins:\n  - local: protoc-gen-go\n    out: {out}/gen-go-{{side}}\n    opt: paths=source_relative\n",
    # The repo's test plugin: it reads the request and answers an empty response, so
    # what is timed is the tool's part (compile, requests, spawning, collecting).
    "gen-empty.yaml": "version: v2\nplugins:\n  - local: {plugin}\n    out: {out}/gen-empty-{{side}}\n",
}
# The generate slice: Vertex AI, 351 files (tests/generate.rs checks that both tools
# write the same 776 files for it with protoc-gen-go, -go-grpc and -es).
GEN_SLICE = "google/cloud/aiplatform"
SCENARIOS += [
    Scenario(
        "generate",
        f"generate Go (protoc-gen-go) for the {GEN_SLICE} slice (351 files; both compile what they need)",
        idl=("{idl}", "generate", "--template", "{work}/gen-go.idl.yaml", "--path", GEN_SLICE),
        buf=("{buf}", "generate", "--template", "{work}/gen-go.buf.yaml", "--path", GEN_SLICE),
        reps=3,
    ),
    Scenario(
        "generate-overhead",
        "generate for all of the corpus with a plugin that answers an empty response: the tool's own cost",
        idl=("{idl}", "generate", "--template", "{work}/gen-empty.idl.yaml"),
        buf=("{buf}", "generate", "--template", "{work}/gen-empty.buf.yaml"),
        reps=3,
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}


class Failure(Exception):
    pass


class Missing(Exception):
    """The idl subcommand is not there yet."""


@dataclasses.dataclass
class Run:
    wall_s: float
    maxrss_kib: int
    cpu_s: float
    rc: int

    def to_json(self) -> dict:
        return {"wall_s": round(self.wall_s, 6), "maxrss_kib": self.maxrss_kib, "cpu_s": round(self.cpu_s, 4), "rc": self.rc}


def run_once(argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> tuple[Run, str]:
    """Run argv once; stdout to log.stdout, stderr to log.stderr. Returns the Run and stderr's tail."""
    out_path, err_path = log.with_suffix(".stdout"), log.with_suffix(".stderr")
    with open(out_path, "wb") as so, open(err_path, "wb") as se:
        try:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=so, stderr=se, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            t1 = time.perf_counter()
        except OSError as e:
            raise Failure(f"cannot run {argv[0]}: {e}") from e
    p.returncode = rc = os.waitstatus_to_exitcode(status)
    err = err_path.read_bytes()[-4000:].decode("utf-8", "replace")
    return Run(t1 - t0, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, rc), err


def expand(template: tuple[str, ...] | str, ctx: dict[str, str]):
    if isinstance(template, str):
        return template.format(**ctx)
    return [t.format(**ctx) for t in template]


def summarize(runs: list[Run]) -> dict:
    walls = [r.wall_s for r in runs]
    rss = [r.maxrss_kib for r in runs]
    return {
        "median_wall_s": statistics.median(walls),
        "min_wall_s": min(walls),
        "max_wall_s": max(walls),
        "median_maxrss_kib": statistics.median(rss),
        "max_maxrss_kib": max(rss),
        "median_cpu_s": statistics.median(r.cpu_s for r in runs),
        "exit_codes": sorted({r.rc for r in runs}),
    }


# ---- work directory ----------------------------------------------------------------

def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=idl-bench", "-c", "user.email=idl-bench@localhost", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def copy_corpus(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=False, ignore=shutil.ignore_patterns(".git", "buf.yaml", "buf.work.yaml", "idl.toml"))
    (dst / "buf.yaml").write_text(BUF_YAML)


def make_repo(src: Path, repo: Path) -> None:
    copy_corpus(src, repo)
    git(repo, "init", "-q", "-b", BASE_BRANCH)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base: the corpus as shipped")
    git(repo, "checkout", "-q", "-b", HEAD_BRANCH)
    target = repo / BREAKING_EDIT["path"]
    text = target.read_text()
    new = re.sub(BREAKING_EDIT["pattern"], BREAKING_EDIT["replace"], text, count=1, flags=re.S)
    if new == text:
        raise Failure(f"breaking repo: the edit of {BREAKING_EDIT['path']} matched nothing; update BREAKING_EDIT")
    target.write_text(new + BREAKING_EDIT["append"])
    git(repo, "commit", "-q", "-a", "-m", "head: one breaking change, one compatible one")
    make_one_change_clone(repo, repo.parent / "repo-one")


def make_one_change_clone(repo: Path, clone: Path) -> None:
    """A clone of `repo` with a local `base` branch (what `.git#branch=base` and
    `--against base` name) and branch `one` checked out: one file changed."""
    subprocess.run(["git", "clone", "-q", "--branch", BASE_BRANCH, str(repo), str(clone)], check=True, stderr=subprocess.PIPE)
    git(clone, "checkout", "-q", "-b", ONE_CHANGE_BRANCH)
    target = clone / ONE_CHANGE_EDIT["path"]
    text = target.read_text()
    new = re.sub(ONE_CHANGE_EDIT["pattern"], ONE_CHANGE_EDIT["replace"], text, count=1, flags=re.S)
    if new == text:
        raise Failure(f"breaking-one-change: the edit of {ONE_CHANGE_EDIT['path']} matched nothing; update ONE_CHANGE_EDIT")
    target.write_text(new)
    git(clone, "commit", "-q", "-a", "-m", "one: one file changed")
    # A fresh clone's index is as `git status` leaves it; refresh it anyway so no
    # run pays for stat data written in the same second as the files.
    git(clone, "update-index", "-q", "--refresh")


def edit_one_file(path: Path, run: str) -> None:
    """Appends a comment line: the file's bytes change, its meaning does not."""
    with open(path, "a") as f:
        f.write(f"// bench.py edit before {run}\n")


def tool_version(argv: list[str]) -> str | None:
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (r.stdout or r.stderr).strip().splitlines()[0] if r.returncode == 0 and (r.stdout or r.stderr).strip() else None


def git_head(path: Path) -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True)
    except OSError:
        return None
    return r.stdout.strip() or None


# ---- formatting ----------------------------------------------------------------------

def fmt_time(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def fmt_side(sm: dict | None) -> tuple[str, str]:
    if sm is None:
        return "—", "—"
    wall = f"{fmt_time(sm['median_wall_s'])} ({fmt_time(sm['min_wall_s'])}–{fmt_time(sm['max_wall_s'])})"
    return wall, f"{sm['median_maxrss_kib'] / 1024:,.0f} MiB"


def markdown(results: list[dict]) -> str:
    head = "| scenario | idl wall, median (min–max) | buf wall, median (min–max) | buf/idl wall | idl peak RSS | buf peak RSS | idl/buf mem |"
    rows = [head, "|" + "---|" * 7]
    for r in results:
        if r["status"] != "ok":
            rows.append(f"| {r['scenario']} | {r['status']}: {r.get('note', '')} |  |  |  |  |  |")
            continue
        iw, im = fmt_side(r["sides"].get("idl", {}).get("summary"))
        bw, bm = fmt_side(r["sides"].get("buf", {}).get("summary"))
        ra = r.get("ratios", {})
        wr = f"{ra['buf_over_idl_wall']:.2f}×" if "buf_over_idl_wall" in ra else "—"
        mr = f"{ra['idl_over_buf_mem']:.2f}" if "idl_over_buf_mem" in ra else "—"
        rows.append(f"| {r['scenario']} | {iw} | {bw} | {wr} | {im} | {bm} | {mr} |")
    return "\n".join(rows)


# ---- one scenario ----------------------------------------------------------------------

def run_scenario(sc: Scenario, args, ctx: dict[str, str], logdir: Path) -> dict:
    sides = [s for s in ("idl", "buf") if getattr(sc, s) is not None and args.side in ("both", s)]
    reps = args.reps if args.reps is not None else sc.reps
    cwd = Path(expand(sc.cwd, ctx))
    res: dict = {
        "scenario": sc.name,
        "about": sc.about,
        "status": "ok",
        "reps": reps,
        "cwd": str(cwd),
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "loadavg_start": os.getloadavg(),
        "sides": {},
    }
    if not sides:
        res.update(status="skipped", note=f"no {args.side} command in this scenario")
        return res
    argvs = {s: expand(getattr(sc, s), ctx) for s in sides}
    ok = {"idl": sc.idl_ok, "buf": sc.buf_ok}
    runs: dict[str, list[Run]] = {s: [] for s in sides}
    for s in sides:
        res["sides"][s] = {"argv": argvs[s], "template": list(getattr(sc, s)), "ok_exit_codes": sorted(ok[s])}

    edited = cwd / sc.edit_before_run if sc.edit_before_run else None
    original = edited.read_bytes() if edited else None

    cache_root = logdir / f"{sc.name}.idl-cache"
    shutil.rmtree(cache_root, ignore_errors=True)

    def one(side: str, label: str) -> Run:
        if edited:
            edit_one_file(edited, f"{side} {label}")
        env = None
        if side == "idl":
            cache = cache_root / label if sc.fresh_cache else cache_root
            env = dict(os.environ, IDL_CACHE_DIR=str(cache))
        run, err = run_once(argvs[side], cwd, logdir / f"{sc.name}.{side}.{label}", env)
        if run.rc not in ok[side]:
            if side == "idl" and run.rc == 2 and MISSING_RE.search(err):
                raise Missing(err.strip().splitlines()[-1] if err.strip() else "not yet available")
            tail = "\n".join("    " + ln for ln in err.strip().splitlines()[-15:])
            raise Failure(
                f"{sc.name}: {side} exited {run.rc} (expected one of {sorted(ok[side])})\n"
                f"  command: {' '.join(argvs[side])}\n  cwd: {cwd}\n  stderr (tail):\n{tail}"
            )
        return run

    try:
        warm = {s: one(s, "warmup") for s in sides}
        for i in range(reps):
            for s in sides:
                r = one(s, f"rep{i}")
                runs[s].append(r)
                if args.verbose:
                    print(f"  {sc.name} {s} #{i + 1}: {fmt_time(r.wall_s)}, {r.maxrss_kib / 1024:,.0f} MiB, exit {r.rc}", file=sys.stderr)
    except Missing as m:
        if not args.skip_missing:
            raise Failure(f"{sc.name}: idl says the subcommand is not available ({m}); pass --skip-missing to skip it") from None
        res.update(status="skipped", note=f"idl: {m}")
        return res
    finally:
        if edited:
            edited.write_bytes(original)  # a reused --workdir starts from the corpus again
    if edited:
        res["edited_before_each_run"] = sc.edit_before_run
    for s in sides:
        res["sides"][s].update(
            warmup=warm[s].to_json(),
            runs=[r.to_json() for r in runs[s]],
            summary=summarize(runs[s]),
        )
    if len(sides) == 2:
        i, b = res["sides"]["idl"]["summary"], res["sides"]["buf"]["summary"]
        res["ratios"] = {
            "buf_over_idl_wall": b["median_wall_s"] / i["median_wall_s"] if i["median_wall_s"] else None,
            "idl_over_buf_mem": i["median_maxrss_kib"] / b["median_maxrss_kib"] if b["median_maxrss_kib"] else None,
        }
    res["loadavg_end"] = os.getloadavg()
    if sc.count_findings:
        res["findings"] = {s: count_json_lines(logdir / f"{sc.name}.{s}.warmup") for s in sides}
    if sc.verify and len(sides) == 2 and args.verify:
        res["verify"] = verify(sc, ctx, args)
    return res


def count_json_lines(log: Path) -> int:
    """Findings a run printed as JSON lines (idl and buf both write one object per line)."""
    lines = 0
    for suffix in (".stdout", ".stderr"):
        path = log.with_suffix(suffix)
        if path.exists():
            lines += sum(1 for ln in path.read_text(errors="replace").splitlines() if ln.startswith("{"))
    return lines


def verify(sc: Scenario, ctx: dict[str, str], args) -> dict:
    """compare-fds.py on the two outputs; the bundled well-known types are left out (each
    tool ships its own descriptor.proto version)."""
    a, b, flags = expand(sc.verify[0], ctx), expand(sc.verify[1], ctx), sc.verify[2]
    argv = [args.python, str(REPO / "scripts" / "compare-fds.py"), a, b, "--ignore-file", "google/protobuf/*", "--limit", "50", *flags]
    r = subprocess.run(argv, capture_output=True, text=True)
    lines = r.stdout.strip().splitlines()
    return {"argv": argv, "equal": r.returncode == 0, "exit": r.returncode, "summary": lines[-1] if lines else r.stderr.strip(), "first_differences": lines[:-1][:20]}


# ---- main ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark idl against buf on the googleapis corpus.")
    ap.add_argument("--idl", default=str(REPO / "target" / "release" / "idl"), help="idl binary (default: target/release/idl)")
    default_buf = PEERS / "bin" / "buf"
    ap.add_argument("--buf", default=str(default_buf) if default_buf.exists() else (shutil.which("buf") or "buf"), help="buf binary (default: $IDL_PEERS/bin/buf, else buf on PATH)")
    ap.add_argument("--plugin", default=str(REPO / "target" / "release" / "examples" / "protoc-gen-idl-test"), help="the empty-response plugin of generate-overhead (default: cargo build --release --example protoc-gen-idl-test)")
    ap.add_argument("--corpus", default=str(PEERS / "googleapis"), help="corpus directory, never modified (default: $IDL_PEERS/googleapis)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions per side after one warm-up (default: 5; lint-one: 30)")
    ap.add_argument("--only", default=None, help="comma-separated scenario names (default: all)")
    ap.add_argument("--side", choices=("both", "idl", "buf"), default="both", help="measure only one side (e.g. buf before idl exists)")
    ap.add_argument("--skip-missing", action="store_true", help="skip a scenario whose idl subcommand is not yet available (exit 2, 'not yet available')")
    ap.add_argument("--verify", action="store_true", help="after build scenarios, check with scripts/compare-fds.py that idl and buf produced the same descriptors")
    ap.add_argument("--python", default=str(PEERS / "venv" / "bin" / "python"), help="interpreter with protobuf, for --verify (default: the peers venv)")
    ap.add_argument("--results", default=str(HERE / "results"), help="where <scenario>.json go (default: bench/results)")
    ap.add_argument("--workdir", default=None, help="work directory (default: a new temporary one, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (with the logs of every run)")
    ap.add_argument("--list", action="store_true", help="print the scenarios and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every run")
    args = ap.parse_args(argv)

    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            ap.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
        selected = [BY_NAME[n] for n in names]
    else:
        selected = [s for s in SCENARIOS if s.default]

    if args.list:
        for s in SCENARIOS:
            print(f"{s.name}: {s.about}  (cwd {s.cwd}, {s.reps} reps)")
            for side in ("idl", "buf"):
                cmd = getattr(s, side)
                ok = sorted(getattr(s, side + "_ok"))
                print(f"  {side}: {' '.join(cmd) if cmd else '—'}" + (f"   [ok exit: {ok}]" if cmd else ""))
        return 0

    corpus = Path(args.corpus).resolve()
    if not corpus.is_dir():
        print(f"bench: corpus {corpus} not found; run /work/shared/scripts/peers.sh (or pass --corpus)", file=sys.stderr)
        return 2
    tools = {"idl": args.idl, "buf": args.buf}
    for side, path in tools.items():
        needed = args.side in ("both", side) and any(getattr(s, side) for s in selected)
        if needed and not (shutil.which(path) or Path(path).is_file()):
            hint = "cargo build --release, or pass --idl PATH / --side buf" if side == "idl" else "run peers.sh or pass --buf PATH"
            print(f"bench: {side} binary {path} not found ({hint})", file=sys.stderr)
            return 2
    if any(s.name == "generate-overhead" for s in selected) and not Path(args.plugin).is_file():
        print(f"bench: plugin {args.plugin} not found (cargo build --release --example protoc-gen-idl-test, or pass --plugin)", file=sys.stderr)
        return 2
    if args.verify and not Path(args.python).exists():
        print(f"bench: --verify needs {args.python} (the peers venv) or --python", file=sys.stderr)
        return 2

    ncpu = os.cpu_count() or 1
    load = os.getloadavg()[0]
    if load > 0.5 * ncpu:
        print(f"bench: warning: load average {load:.1f} on {ncpu} cores; timings will be noisy", file=sys.stderr)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="idl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    work = work.resolve()
    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    results: list[dict] = []
    try:
        ctx = {
            "idl": str(Path(args.idl).resolve()) if Path(args.idl).exists() else args.idl,
            "buf": str(Path(args.buf).resolve()) if Path(args.buf).exists() else args.buf,
            "corpus": str(work / "corpus"),
            "repo": str(work / "repo"),
            "repo_one": str(work / "repo-one"),
            "out": str(work / "out"),
            "work": str(work),
            "plugin": str(Path(args.plugin).resolve()),
        }
        (work / "out").mkdir(exist_ok=True)
        for name, template in GEN_TEMPLATES.items():
            text = template.format(**ctx)
            for side in ("idl", "buf"):
                (work / name.replace(".yaml", f".{side}.yaml")).write_text(text.format(side=side))
        logdir = work / "logs"
        logdir.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        if not (work / "corpus").exists():
            copy_corpus(corpus, work / "corpus")
        if any(s.needs_repo for s in selected) and not (work / "repo").exists():
            make_repo(corpus, work / "repo")
        elif any(s.needs_repo for s in selected) and not (work / "repo-one").exists():
            make_one_change_clone(work / "repo", work / "repo-one")
        print(f"bench: work directory {work} ready in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

        env_info = {
            "host": platform.node(),
            "platform": platform.platform(),
            "cpus": ncpu,
            "python": platform.python_version(),
            "buf_version": tool_version([ctx["buf"], "--version"]),
            "idl_version": tool_version([ctx["idl"], "--version"]) if args.side != "buf" else None,
            "idl_commit": git_head(REPO),
            "corpus": str(corpus),
            "corpus_files": sum(1 for _ in corpus.rglob("*.proto")),
            "buf_yaml": BUF_YAML,
            "side": args.side,
        }
        for sc in selected:
            print(f"bench: {sc.name} ...", file=sys.stderr)
            try:
                res = run_scenario(sc, args, ctx, logdir)
            except Failure as e:
                print(f"bench: FAILED {e}", file=sys.stderr)
                failed = True
                res = {"scenario": sc.name, "status": "failed", "note": str(e).splitlines()[0]}
            res["environment"] = env_info
            results.append(res)
            if res["status"] == "ok":
                (results_dir / f"{sc.name}.json").write_text(json.dumps(res, indent=2) + "\n")
            v = res.get("verify")
            if v is not None:
                print(f"bench: {sc.name}: outputs {'equal' if v['equal'] else 'DIFFER'}: {v['summary']}", file=sys.stderr)
                for d in v["first_differences"][:10]:
                    print(f"    {d}", file=sys.stderr)
                failed = failed or not v["equal"]
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"bench: kept {work}", file=sys.stderr)

    print(markdown(results))
    for r in results:
        if r.get("findings"):
            counts = ", ".join(f"{side} {n}" for side, n in r["findings"].items())
            print(f"\n{r['scenario']}: findings printed (JSON lines): {counts}")
    lo = [r for r in results if r["status"] == "ok" and r["scenario"] == "lint-one" and "idl" in r["sides"]]
    for r in lo:
        print(f"\nlint-one: idl lint of one file, median {r['sides']['idl']['summary']['median_wall_s'] * 1000:.1f} ms over {r['reps']} runs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
