#!/usr/bin/env bash
# Records buf's findings for every fixture as testdata/breaking/<RULE_ID>/buf.golden.jsonl:
# `buf breaking head --against base` with only that rule enabled (buf.yaml v2).
# A fixture buf cannot judge carries idl.golden.jsonl instead (written and checked by
# hand; its README says why), and buf.golden.jsonl records what buf says with every
# category enabled: nothing, for the API_ rules buf has no counterpart of.
#   testdata/breaking/buf-oracle.sh            # regenerate all goldens
#   testdata/breaking/buf-oracle.sh --check    # fail if a golden differs from buf's output
set -euo pipefail
BUF=${BUF:-$HOME/.cache/idl-peers/bin/buf}
HERE=$(cd "$(dirname "$0")" && pwd)
status=0
for dir in "$HERE"/*/; do
  rule=$(basename "$dir")
  [[ $rule == _* ]] && continue
  tmp=$(mktemp -d)
  cp -r "$dir/base" "$dir/head" "$tmp/"
  # Shared imports (google/api) sit beside each side's own files, unchanged.
  for side in base head; do cp -r "$HERE/../google-api/google" "$tmp/$side/"; done
  use=$rule
  if [[ $rule == API_* ]]; then use="FILE, PACKAGE, WIRE_JSON, WIRE"; fi
  for side in base head; do printf 'version: v2\nbreaking:\n  use: [%s]\n' "$use" >"$tmp/$side/buf.yaml"; done
  out=$(cd "$tmp/head" && "$BUF" breaking --against ../base --error-format json 2>&1 | sort || true)
  rm -rf "$tmp"
  if [[ ${1:-} == --check ]]; then
    if [[ "$out" != "$(cat "$dir/buf.golden.jsonl")" ]]; then echo "differs: $rule"; status=1; fi
  else
    printf '%s\n' "$out" >"$dir/buf.golden.jsonl"
  fi
done
exit $status
