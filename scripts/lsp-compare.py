#!/usr/bin/env python3
"""Sends the same requests to `idl lsp` and `buf lsp serve` on googleapis files
and reports, per method, how often they agree where buf answers.

  scripts/lsp-compare.py [--idl target/release/idl] [--buf ~/.cache/idl-peers/bin/buf]
                         [--root ~/.cache/idl-peers/googleapis] [--json out.json] [FILE ...]

Requests (positions found by this script from the text, not by either server):
  definition   at every type reference (field types, map values, RPC request and
               response types, extendees): same file and same range
  references   of every message declared in the files (declaration included):
               same set of locations
  documentSymbol  of each file: the full names buf lists (a flat list) are all in
               idl's tree (idl's `detail` is the full name)
  hover        at every type reference: idl's hover is non-empty wherever buf's is

Both servers open the same workspace: a temporary directory with a `buf.yaml`
and symlinks to the corpus (see lsp_client.module_of); paths are compared with
symlinks resolved. A well-known type is the same file when both paths end in
google/protobuf/NAME (each server keeps its own copy). Disagreements are listed
with both answers; the summary table is the output to record (docs/lsp.md).
"""

import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, file_uri, module_of, uri_path  # noqa: E402

DEFAULT_FILES = [
    "google/longrunning/operations.proto",
    "google/pubsub/v1/pubsub.proto",
    "google/cloud/tasks/v2/cloudtasks.proto",
    "google/iam/v1/policy.proto",
    "google/spanner/v1/spanner.proto",
    "google/firestore/v1/firestore.proto",
    "google/bigtable/admin/v2/table.proto",
    "google/api/expr/v1alpha1/syntax.proto",
]

SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
           "sfixed32", "sfixed64", "bool", "string", "bytes", "group"}

FIELD = re.compile(r"^\s*(?:(?:repeated|optional|required)\s+)?([A-Za-z_.][\w.]*)\s+\w+\s*=\s*\d+")
MAP = re.compile(r"map\s*<\s*\w+\s*,\s*([A-Za-z_.][\w.]*)\s*>")
RPC = re.compile(r"\brpc\s+\w+\s*\(\s*(?:stream\s+)?([A-Za-z_.][\w.]*)\s*\)\s*returns\s*\(\s*(?:stream\s+)?([A-Za-z_.][\w.]*)\s*\)")
EXTEND = re.compile(r"^\s*extend\s+([A-Za-z_.][\w.]*)\s*\{")
MESSAGE = re.compile(r"^\s*message\s+(\w+)\s*\{")


def utf16(s):
    return len(s.encode("utf-16-le")) // 2


def strip_comment(line):
    # Good enough for googleapis: no `//` inside strings on declaration lines.
    at = line.find("//")
    return line if at < 0 else line[:at]


def type_references(text):
    """(line, character) at the last component of every type name written."""
    found = []
    in_block_comment = False
    for n, raw in enumerate(text.split("\n")):
        line = raw
        if in_block_comment:
            if "*/" not in line:
                continue
            in_block_comment = False
            line = " " * (line.index("*/") + 2) + line[line.index("*/") + 2:]
        if "/*" in line and "*/" not in line:
            in_block_comment = True
            line = line[:line.index("/*")]
        line = strip_comment(line)
        spans = []
        for regex in (FIELD, EXTEND):
            m = regex.match(line)
            if m and m.group(1) not in SCALARS and not m.group(1).startswith("map"):
                spans.append(m.span(1))
        for m in MAP.finditer(line):
            if m.group(1) not in SCALARS:
                spans.append(m.span(1))
        for m in RPC.finditer(line):
            spans.extend([m.span(1), m.span(2)])
        for start, end in spans:
            name = line[start:end]
            last = start + (name.rfind(".") + 1)
            found.append((n, utf16(raw[:last]) + 1))
    return found


def declared_messages(text):
    out = []
    for n, line in enumerate(text.split("\n")):
        m = MESSAGE.match(strip_comment(line))
        if m:
            out.append((m.group(1), n, utf16(line[:m.start(1)]) + 1))
    return out


def same_file(a, b):
    a, b = uri_path(a), uri_path(b)
    if a == b:
        return True
    marker = "/google/protobuf/"
    return marker in a and marker in b and a.split(marker)[-1] == b.split(marker)[-1]


def norm_location(location):
    if not location:
        return None
    if isinstance(location, list):
        if not location:
            return None
        location = location[0]
    if "targetUri" in location:
        location = {"uri": location["targetUri"], "range": location["targetSelectionRange"]}
    return location


def same_location(a, b):
    a, b = norm_location(a), norm_location(b)
    if a is None or b is None:
        return a is None and b is None
    return same_file(a["uri"], b["uri"]) and a["range"] == b["range"]


def location_key(location):
    path = uri_path(location["uri"])
    if "/google/protobuf/" in path:
        path = "WKT:" + path.split("/google/protobuf/")[-1]
    r = location["range"]
    return (path, r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])


def hover_text(result):
    if not result or "error" in result:
        return ""
    contents = result.get("contents")
    if isinstance(contents, dict):
        return contents.get("value", "")
    if isinstance(contents, list):
        return "".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
    return contents or ""


def flat_symbol_names(symbols, use_detail):
    names = set()
    for s in symbols or []:
        if "location" in s:  # SymbolInformation
            names.add(s["name"])
            continue
        names.add(s.get("detail") if use_detail and s.get("detail") else s["name"])
        names |= flat_symbol_names(s.get("children"), use_detail)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idl", default="target/release/idl")
    parser.add_argument("--buf", default=os.path.expanduser("~/.cache/idl-peers/bin/buf"))
    parser.add_argument("--root", default=os.path.expanduser("~/.cache/idl-peers/googleapis"))
    parser.add_argument("--json", help="write every comparison here")
    parser.add_argument("--max-references", type=int, default=40, help="messages per file whose references are compared")
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    args = parser.parse_args()
    root = module_of(os.path.abspath(args.root))
    idl_bin = os.path.abspath(args.idl)

    started = time.monotonic()
    servers = {
        "idl": Client([idl_bin, "lsp"], root),
        "buf": Client([args.buf, "lsp", "serve"], root),
    }
    texts = {}
    for rel in args.files:
        path = os.path.join(root, rel)
        for server in servers.values():
            texts[rel] = server.open(path)
    for name, server in servers.items():
        for rel in args.files:
            server.diagnostics(os.path.join(root, rel), timeout=600)
    # idl answers workspace-wide references from its background index.
    servers["idl"].wait(lambda m: m.get("method") == "$/progress" and m["params"]["value"].get("kind") == "end",
                        timeout=600)
    # buf answers references from the files it has seen and widens them as its
    # workspace loads: wait until its answer for the first message stops growing.
    first = next(((rel, m) for rel in args.files for m in declared_messages(texts[rel])), None)
    if first:
        rel, (_, line, character) = first
        params = {"textDocument": {"uri": file_uri(os.path.join(root, rel))},
                  "position": {"line": line, "character": character}, "context": {"includeDeclaration": True}}
        counts = []
        while len(counts) < 3 or len(set(counts[-3:])) > 1:
            counts.append(len(servers["buf"].request("textDocument/references", params, timeout=300) or []))
            if time.monotonic() - started > 900:
                break
            time.sleep(5)
        print(f"buf's references settled at {counts[-1]} after {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(f"servers ready in {time.monotonic() - started:.1f} s", file=sys.stderr)

    results = {m: {"compared": 0, "agree": 0, "buf_empty": 0, "disagreements": []}
               for m in ("definition", "references", "documentSymbol", "hover")}

    def ask(method, params):
        return {name: server.request(method, params, timeout=300) for name, server in servers.items()}

    for rel in args.files:
        path = os.path.join(root, rel)
        text = texts[rel]
        doc = {"uri": file_uri(path)}
        for line, character in type_references(text):
            params = {"textDocument": doc, "position": {"line": line, "character": character}}
            answers = ask("textDocument/definition", params)
            r = results["definition"]
            if not norm_location(answers["buf"]):
                r["buf_empty"] += 1
                r.setdefault("buf_empty_cases", []).append({"file": rel, "at": [line, character], **answers})
            else:
                r["compared"] += 1
                if same_location(answers["idl"], answers["buf"]):
                    r["agree"] += 1
                else:
                    r["disagreements"].append({"file": rel, "at": [line, character], **answers})
            answers = ask("textDocument/hover", params)
            r = results["hover"]
            if not hover_text(answers["buf"]).strip():
                r["buf_empty"] += 1
                r.setdefault("buf_empty_cases", []).append({"file": rel, "at": [line, character], **answers})
            else:
                r["compared"] += 1
                if hover_text(answers["idl"]).strip():
                    r["agree"] += 1
                else:
                    r["disagreements"].append({"file": rel, "at": [line, character], **answers})
        for name, line, character in declared_messages(text)[: args.max_references]:
            params = {"textDocument": doc, "position": {"line": line, "character": character},
                      "context": {"includeDeclaration": True}}
            answers = ask("textDocument/references", params)
            r = results["references"]
            buf_set = {location_key(l) for l in answers["buf"] or [] if isinstance(l, dict) and "uri" in l}
            idl_set = {location_key(l) for l in answers["idl"] or [] if isinstance(l, dict) and "uri" in l}
            if not buf_set:
                r["buf_empty"] += 1
                continue
            r["compared"] += 1
            if buf_set == idl_set:
                r["agree"] += 1
            else:
                r["disagreements"].append({"file": rel, "message": name, "only_buf": sorted(buf_set - idl_set)[:10],
                                           "only_idl": sorted(idl_set - buf_set)[:10],
                                           "counts": {"buf": len(buf_set), "idl": len(idl_set)}})
        answers = ask("textDocument/documentSymbol", {"textDocument": doc})
        r = results["documentSymbol"]
        buf_names = flat_symbol_names(answers["buf"], use_detail=False)
        idl_names = flat_symbol_names(answers["idl"], use_detail=True)
        r["compared"] += len(buf_names)
        r["agree"] += len(buf_names & idl_names)
        if buf_names - idl_names:
            r["disagreements"].append({"file": rel, "only_buf": sorted(buf_names - idl_names)[:20]})
        r.setdefault("only_idl", []).extend(sorted(idl_names - buf_names)[:20])

    for server in servers.values():
        server.close()

    failed = False
    print("| method | compared (buf answered) | agree | % | buf empty |")
    print("|---|---|---|---|---|")
    for method, r in results.items():
        share = 100.0 * r["agree"] / r["compared"] if r["compared"] else 100.0
        failed |= share < 95.0
        print(f"| {method} | {r['compared']} | {r['agree']} | {share:.1f} | {r['buf_empty']} |")
    for method, r in results.items():
        for d in r["disagreements"][:8]:
            print(f"\n{method} disagreement: {json.dumps(d)[:1500]}")
        for d in r.get("buf_empty_cases", [])[:8]:
            print(f"\n{method}, buf answered nothing: {json.dumps(d)[:1500]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
