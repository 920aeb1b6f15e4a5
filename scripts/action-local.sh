#!/usr/bin/env bash
# Runs the GitHub Action's checks (scripts/action-run.sh, with the environment
# action.yml gives it on a pull request) on a pull-request-like history in a
# scratch directory, and prints the annotations and the job summary.
#
#   scripts/action-local.sh [--push] [--label LABEL]... [IDL_BINARY]
#
# The history: a bare "origin" whose main has one commit (a clean workspace) and
# whose branch `feature` adds two commits (a badly named, unformatted message;
# then a deleted field). Like actions/checkout, the PR head is cloned with depth 1,
# so the action must fetch the base branch and unshallow to find the merge base.
# With --push, the environment is that of a push of the branch instead: the base is
# the commit before the push (main's head), with no branch to fetch and no labels.
# IDL_BINARY defaults to $IDL, then target/debug/idl (built when missing).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
labels=()
event=pull_request
while [[ ${1:-} == --label || ${1:-} == --push ]]; do
  if [[ $1 == --push ]]; then
    event=push
    shift
  else
    labels+=("$2")
    shift 2
  fi
done
idl=${1:-${IDL:-}}
if [[ -z $idl ]]; then
  idl=${CARGO_TARGET_DIR:-$here/target}/debug/idl
  [[ -x $idl ]] || (cd "$here" && cargo build --quiet)
fi
idl=$(cd "$(dirname "$idl")" && pwd)/$(basename "$idl")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="idl" GIT_AUTHOR_EMAIL="idl@example.com"
export GIT_COMMITTER_NAME="idl" GIT_COMMITTER_EMAIL="idl@example.com"
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"

# The author's repository: main, then the feature branch with two commits.
git init --quiet -b main "$work/author"
cd "$work/author"
mkdir -p proto/acme/user/v1
printf 'roots = ["proto"]\n' >idl.toml
cat >proto/acme/user/v1/user.proto <<'PROTO'
syntax = "proto3";

package acme.user.v1;

// A user of the service.
message User {
  string name = 1;
  int64 id = 2;
  string email = 3;
}
PROTO
git add . && git commit --quiet -m "base: the user message"
git checkout --quiet -b feature
cat >proto/acme/user/v1/address.proto <<'PROTO'
syntax = "proto3";

package acme.user.v1;

// Where a user lives.
message postal_address {
    string Street = 1;
}
PROTO
git add . && git commit --quiet -m "feature 1/2: an address (badly named, unformatted)"
sed -i.bak '/string email = 3;/d' proto/acme/user/v1/user.proto && rm proto/acme/user/v1/user.proto.bak
git commit --quiet -am "feature 2/2: drop the email field"
base_commit=$(git rev-parse main)
git clone --quiet --bare "$work/author" "$work/origin.git"

# The runner's checkout: the PR head only, one commit deep.
git clone --quiet --depth 1 --branch feature "file://$work/origin.git" "$work/checkout"
cd "$work/checkout"
echo "== history: origin/main <- feature (2 commits); checkout is shallow: $(git rev-parse --is-shallow-repository)"

labels_json="[]"
if ((${#labels[@]})); then
  labels_json=$(printf '"%s",' "${labels[@]}")
  labels_json="[${labels_json%,}]"
fi
summary=$work/summary.md
outputs=$work/outputs.txt
: >"$summary"
: >"$outputs"
# What action.yml passes: on a pull request the base branch (fetched) and the
# labels; on a push the commit before it and `null` labels.
if [[ $event == push ]]; then
  against=$base_commit fetch_branch="" labels_json=null
else
  against=origin/main fetch_branch=main
fi
echo "== annotations (scripts/action-run.sh, as action.yml runs it on a $event)"
status=0
IDL="$idl" IDL_PATHS="" IDL_LINT=true IDL_FORMAT=true IDL_BREAKING=true \
  IDL_AGAINST="$against" IDL_FETCH_BRANCH="$fetch_branch" IDL_PR_LABELS="$labels_json" \
  IDL_SKIP_LABEL="idl skip" IDL_SKIP_BREAKING_LABEL="idl skip breaking" \
  GITHUB_STEP_SUMMARY="$summary" GITHUB_OUTPUT="$outputs" \
  "$here/scripts/action-run.sh" || status=$?
echo "== job summary (\$GITHUB_STEP_SUMMARY)"
cat "$summary"
echo "== step outputs (\$GITHUB_OUTPUT)"
cat "$outputs"
echo "== exit code: $status"
exit "$status"
