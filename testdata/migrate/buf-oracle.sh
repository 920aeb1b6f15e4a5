#!/usr/bin/env bash
# Records buf's findings for the buf.yaml migration goldens:
#
#   testdata/migrate/buf-oracle.sh [--check]
#
# For each case directory with a buf.yaml or buf.work.yaml: copy it to a temporary
# directory (the googleapis-slice case gets the slice of the corpus that
# tests/migrate.rs copies, from ~/.cache/idl-peers/googleapis), run
# `buf lint --error-format json`, and write `expected-buf.txt`: one sorted
# `path:line:column RULE` line per finding. BUF defaults to ~/.cache/idl-peers/bin/buf.
set -euo pipefail

BUF=${BUF:-$HOME/.cache/idl-peers/bin/buf}
CORPUS=${CORPUS:-$HOME/.cache/idl-peers/googleapis}
here=$(cd "$(dirname "$0")" && pwd)
# Keep in step with SLICE in tests/migrate.rs.
slice=(google/api google/type google/rpc google/longrunning google/pubsub google/logging/type)
check=false
[[ ${1:-} == --check ]] && check=true

status=0
for dir in "$here"/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  tmp=$(mktemp -d)
  cp -R "$dir"/. "$tmp"
  rm -f "$tmp/expected-buf.txt"
  if [[ $name == googleapis-slice ]]; then
    for part in "${slice[@]}"; do
      mkdir -p "$tmp/proto/$(dirname "$part")"
      cp -R "$CORPUS/$part" "$tmp/proto/$part"
    done
  fi
  # buf exits 100 when it has findings.
  (cd "$tmp" && "$BUF" lint --error-format json || [[ $? == 100 ]]) >"$tmp/buf.json"
  python3 - "$tmp/buf.json" >"$tmp/expected-buf.txt" <<'PY'
import json, sys
lines = sorted({f"{d['path']}:{d['start_line']}:{d['start_column']} {d['type']}" for d in map(json.loads, open(sys.argv[1])) })
print("\n".join(lines))
PY
  if $check; then
    if ! diff -u "$dir/expected-buf.txt" "$tmp/expected-buf.txt"; then
      status=1
    fi
  else
    cp "$tmp/expected-buf.txt" "$dir/expected-buf.txt"
    echo "$name: $(wc -l <"$dir/expected-buf.txt") findings"
  fi
  rm -rf "$tmp"
done
exit $status
