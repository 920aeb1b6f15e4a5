#!/usr/bin/env bash
# Compares `idl breaking` with `buf breaking` on real googleapis history: two releases
# of the npm package google-proto-files (googleapis snapshots), head = NEW, base = OLD,
# buf.yaml v2 with the FILE category, google/protobuf left to each tool's built-ins.
# google/ads/googleads is left out by default (a whole major version is deleted
# between 6.0.0 and 6.0.1, ~3,500 files of FILE_NO_DELETE without positions).
#   testdata/breaking/googleapis-history.sh [OLD NEW]     # default 6.0.0 6.0.1
# Needs npm, buf (BUF=) and a release or debug idl (IDL=). Prints both counts, the
# findings both report (path, position, rule, message) and every difference.
set -euo pipefail
OLD=${1:-6.0.0}
NEW=${2:-6.0.1}
BUF=${BUF:-$HOME/.cache/idl-peers/bin/buf}
IDL=${IDL:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/idl}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
for v in "$OLD" "$NEW"; do
  if [ ! -d "$WORK/v$v" ]; then
    (cd "$WORK" && npm pack "google-proto-files@$v" >/dev/null && mkdir "v$v" && tar -xzf "google-proto-files-$v.tgz" -C "v$v")
  fi
done
side() { # version dir
  rm -rf "$2" && mkdir -p "$2"
  (cd "$WORK/v$1/package" && find google grafeas -name '*.proto' ! -path 'google/protobuf/*' \
    ! -path 'google/ads/googleads/*' -print0 | tar --null -cf - -T -) | tar -xf - -C "$2"
  printf 'version: v2\nbreaking:\n  use: [FILE]\n' >"$2/buf.yaml"
}
side "$OLD" "$WORK/base"
side "$NEW" "$WORK/head"
cd "$WORK/head"
"$BUF" breaking --against ../base --error-format json >../buf.jsonl || true
"$IDL" breaking --against ../base --format json >../idl.jsonl 2>/dev/null || true
python3 - "$WORK" <<'PY'
import json, sys
def load(path):
    out = set()
    for line in open(path):
        if line.strip():
            v = json.loads(line)
            out.add((v.get("path"), v.get("start_line"), v.get("start_column"), v.get("end_line"),
                     v.get("end_column"), v.get("type") or v.get("rule"), v["message"]))
    return out
buf, idl = load(sys.argv[1] + "/buf.jsonl"), load(sys.argv[1] + "/idl.jsonl")
print(f"buf {len(buf)}  idl {len(idl)}  same {len(buf & idl)}")
for f in sorted(buf - idl): print("only buf:", f)
for f in sorted(idl - buf): print("only idl:", f)
sys.exit(0 if buf == idl else 1)
PY
