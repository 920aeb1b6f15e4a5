#!/usr/bin/env python3
"""Latency of `idl lsp` and `buf lsp serve` per request on googleapis, and the
change-then-diagnostics round trip on its largest file.

  bench/lsp-latency.py [--idl target/release/idl] [--buf ~/.cache/idl-peers/bin/buf]
                       [--root ~/.cache/idl-peers/googleapis] [--rounds 3] [--skip-buf]

For each server: open a handful of files, wait until ready, then send
definition, hover, references, documentHighlight and documentSymbol requests at
every type reference of those files (positions from scripts/lsp-compare.py) and
report the median and p99 of each method's wall time, client side (request
written to response read). Then, on the corpus's largest file
(google/cloud/compute/v1beta/compute.proto, 4.3 MB, unless --large names
another), rename one field (full-text sync, as editors without incremental
sync send it; the file still compiles, so linting is included) and time until diagnostics for that version arrive; repeated
--rounds times, median reported, with the server's CPU time for it (user +
system, from /proc: what the round trip costs whatever else runs). The load
average is printed with the figures: the machine may be shared.
"""

import argparse
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
from lsp_client import Client, file_uri, module_of  # noqa: E402

import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location("lsp_compare", os.path.join(HERE, "..", "scripts", "lsp-compare.py"))
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)

FILES = compare.DEFAULT_FILES
FIELD_LINE = re.compile(r"^(\s+(?:optional |repeated )?[\w.]+ )([a-z_][a-z0-9_]*) =", re.M)


def largest_proto(root):
    """The import name of the largest .proto file under root."""
    best = (0, None)
    for directory, _, names in os.walk(root):
        for name in names:
            if name.endswith(".proto"):
                path = os.path.join(directory, name)
                best = max(best, (os.path.getsize(path), os.path.relpath(path, root)))
    return best[1]


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def cpu_ms(pid):
    """User + system CPU time of a process and its threads so far, in ms."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) * 1000.0 / ticks


def load():
    return open("/proc/loadavg").read().split()[:3]


def measure(name, command, root, rounds, large):
    started = time.monotonic()
    client = Client(command, root)
    texts = {}
    for rel in FILES:
        texts[rel] = client.open(os.path.join(root, rel))
    for rel in FILES:
        client.diagnostics(os.path.join(root, rel), timeout=900)
    ready = time.monotonic() - started
    # Measured once the server's background work is done: idl reports the end of
    # its workspace index with $/progress (its CPU time would otherwise count in
    # the round trips below); buf widens its references as its workspace loads,
    # so its answer for a message is asked until it stops growing.
    if any(m.get("method") == "$/progress" for m in client.notifications) or name == "idl":
        client.wait(lambda m: m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end",
                    timeout=900)
    first = next(((rel, m) for rel in FILES for m in compare.declared_messages(texts[rel])), None)
    if first:
        rel, (_, line, character) = first
        params = {"textDocument": {"uri": file_uri(os.path.join(root, rel))},
                  "position": {"line": line, "character": character}, "context": {"includeDeclaration": True}}
        counts = []
        while len(counts) < 3 or len(set(counts[-3:])) > 1:
            counts.append(len(client.request("textDocument/references", params, timeout=300) or []))
            if time.monotonic() - started > 900:
                break
            time.sleep(2)
    settled = time.monotonic() - started
    timings = {m: [] for m in ("definition", "hover", "references", "documentHighlight", "documentSymbol")}
    for rel in FILES:
        path = os.path.join(root, rel)
        doc = {"uri": file_uri(path)}
        for line, character in compare.type_references(texts[rel]):
            at = {"textDocument": doc, "position": {"line": line, "character": character}}
            for method, params in (("definition", at), ("hover", at), ("documentHighlight", at),
                                   ("references", {**at, "context": {"includeDeclaration": True}})):
                client.request("textDocument/" + method, params, timeout=300)
                timings[method].append(client.last_elapsed * 1000)
        client.request("textDocument/documentSymbol", {"textDocument": doc}, timeout=300)
        timings["documentSymbol"].append(client.last_elapsed * 1000)
    # Change-then-diagnostics on the largest file.
    path = os.path.join(root, large)
    text = client.open(path, version=1)
    client.diagnostics(path, timeout=900)
    # A warm-up change, then the timed ones.
    round_trips = []
    round_trip_cpu = []
    for version in range(2, rounds + 3):
        # A field renamed (the first field declaration of the file): the file still
        # compiles, so the round trip includes the lint run (renaming a message
        # would break its references and skip linting).
        changed = FIELD_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}_v{version} =", text, count=1)
        assert changed != text, "no field declaration to rename"
        cpu_before = cpu_ms(client.proc.pid)
        sent = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": file_uri(path), "version": version},
                                                 "contentChanges": [{"text": changed}]})
        client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == file_uri(path)
                    and m["params"].get("version", version) == version, timeout=600)
        if version > 2:
            round_trips.append((time.perf_counter() - sent) * 1000)
            round_trip_cpu.append(cpu_ms(client.proc.pid) - cpu_before)
    client.close()
    return {"ready_s": ready, "settled_s": settled, "timings": timings, "round_trips": round_trips, "round_trip_cpu": round_trip_cpu}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idl", default="target/release/idl")
    parser.add_argument("--buf", default=os.path.expanduser("~/.cache/idl-peers/bin/buf"))
    parser.add_argument("--root", default=os.path.expanduser("~/.cache/idl-peers/googleapis"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-buf", action="store_true")
    parser.add_argument("--large", help="the file of the change round trip (default: the corpus's largest)")
    args = parser.parse_args()
    root = module_of(os.path.abspath(args.root))
    large = args.large or largest_proto(os.path.abspath(args.root))
    load_before = load()
    runs = {"idl": measure("idl", [os.path.abspath(args.idl), "lsp"], root, args.rounds, large)}
    if not args.skip_buf:
        runs["buf"] = measure("buf", [args.buf, "lsp", "serve"], root, args.rounds, large)
    size = os.path.getsize(os.path.join(root, large))
    print(f"load average {' '.join(load_before)} before, {' '.join(load())} after; {os.cpu_count()} CPUs")
    print("| server | method | n | median ms | p99 ms |")
    print("|---|---|---|---|---|")
    for name, run in runs.items():
        for method, values in run["timings"].items():
            print(f"| {name} | {method} | {len(values)} | {statistics.median(values):.2f} | "
                  f"{percentile(values, 99):.2f} |")
        trips = run["round_trips"]
        print(f"| {name} | change → diagnostics ({large}, {size / 1e6:.1f} MB) | {len(trips)} | "
              f"{statistics.median(trips):.1f} | "
              f"{max(trips):.1f} |")
        cpu = run["round_trip_cpu"]
        print(f"| {name} | change → diagnostics, server CPU time (load-independent) | {len(cpu)} | "
              f"{statistics.median(cpu):.1f} | {max(cpu):.1f} |")
        print(f"| {name} | ready (first diagnostics of {len(FILES)} files) | 1 | {run['ready_s'] * 1000:.0f} | |")
        print(f"| {name} | workspace loaded (index done, references settled) | 1 | {run['settled_s'] * 1000:.0f} | |")


if __name__ == "__main__":
    main()
