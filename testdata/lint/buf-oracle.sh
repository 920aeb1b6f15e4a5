#!/usr/bin/env bash
# Regenerates (or with --check, verifies) the expected.txt of lint fixtures from
# buf's own findings, so idl's goldens are buf's output wherever buf has the rule.
#
#   testdata/lint/buf-oracle.sh [--check] [FIXTURE_DIR...]
#
# Each fixture is linted in a temporary copy with `use: [<RULE_ID>]` (the fixture's
# directory name up to the first dot), or with the fixture's own buf.yaml when it
# has one; the vendored protos it imports (testdata/google-api, testdata/protovalidate)
# are copied in. Fixtures with a buf-differs.md document a deliberate difference from buf;
# their goldens come from idl (IDL_BLESS=1) and they are skipped here. BUF defaults to ~/.cache/idl-peers/bin/buf (see /work/shared/scripts/peers.sh).
set -euo pipefail

BUF=${BUF:-$HOME/.cache/idl-peers/bin/buf}
here=$(cd "$(dirname "$0")" && pwd)
check=false
if [[ ${1:-} == --check ]]; then
  check=true
  shift
fi
dirs=("$@")
if [[ ${#dirs[@]} -eq 0 ]]; then
  dirs=("$here"/*/)
fi

status=0
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  name=$(basename "$dir")
  rule=${name%%.*}
  if [[ -f "$dir/buf-differs.md" ]]; then
    echo "skipping $name: idl differs from buf on purpose (see $name/buf-differs.md)"
    continue
  fi
  tmp=$(mktemp -d)
  cp -R "$dir"/. "$tmp"
  rm -f "$tmp/expected.txt" "$tmp/idl.toml"
  # idl's fixture tests import the vendored annotation protos from testdata/; buf
  # needs them in the module. Their own findings are not the fixture's.
  vendored=()
  for vendor in google-api protovalidate; do
    for top in "$here/../$vendor"/*/; do
      top=$(basename "$top")
      if [[ ! -e "$tmp/$top" ]] && grep -rqs "import \"$top/" "$tmp" --include='*.proto'; then
        cp -R "$here/../$vendor/$top" "$tmp/$top"
        vendored+=("$top/")
      fi
    done
  done
  if [[ ! -f "$tmp/buf.yaml" ]]; then
    printf 'version: v2\nlint:\n  use: [%s]\n' "$rule" >"$tmp/buf.yaml"
  fi
  # buf exits 100 when it has findings.
  (cd "$tmp" && "$BUF" lint --error-format=json 2>/dev/null || true) >"$tmp/.findings.json"
  actual=$(python3 - "$tmp/.findings.json" "${vendored[@]}" <<'PY'
import json, sys
lines = []
vendored = tuple(sys.argv[2:])
for raw in open(sys.argv[1]):
    raw = raw.strip()
    if not raw:
        continue
    f = json.loads(raw)
    if vendored and f["path"].startswith(vendored):
        continue
    if f["type"] == "COMPILE":
        sys.exit("buf could not compile the fixture: " + raw)
    lines.append("{}:{}:{}-{}:{} {} {}".format(
        f["path"], f["start_line"], f["start_column"], f["end_line"], f["end_column"], f["type"], f["message"]))
for line in sorted(lines):
    print(line)
PY
  )
  rm -rf "$tmp"
  if $check; then
    if ! diff -u "$dir/expected.txt" <(printf '%s' "$actual${actual:+$'\n'}") >/dev/null; then
      echo "buf disagrees with $name/expected.txt:"
      diff -u "$dir/expected.txt" <(printf '%s' "$actual${actual:+$'\n'}") || true
      status=1
    fi
  else
    printf '%s' "$actual${actual:+$'\n'}" >"$dir/expected.txt"
  fi
done
exit $status
