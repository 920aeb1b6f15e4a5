#!/usr/bin/env bash
# The checks of the idl GitHub Action (action.yml runs this; so does
# scripts/action-local.sh, to try it on a local git history). Runs from the
# repository root. Inputs come from the environment:
#
#   IDL                    the idl binary (default: $HOME/.idl-action/bin/idl, then idl on PATH)
#   IDL_PATHS              files or directories to check, space-separated (default: the workspace)
#   IDL_LINT, IDL_FORMAT, IDL_BREAKING   "true" or "false" (default: true)
#   IDL_GENERATE_CHECK     "true" runs `idl generate --check` (default: false)
#   IDL_AGAINST            git ref whose merge base with HEAD is the breaking base;
#                          empty or all zeros (a push creating a branch): breaking is skipped
#   IDL_FETCH_BRANCH       a branch to fetch from origin first (the PR's base); a shallow
#                          clone is deepened in any case so the merge base exists, and a
#                          base commit missing from the clone is fetched
#   IDL_PR_LABELS          the pull request's labels as JSON (toJSON of their names)
#   IDL_SKIP_LABEL         a label that skips every check (default: "idl skip")
#   IDL_SKIP_BREAKING_LABEL  a label that skips breaking (default: "idl skip breaking")
#   IDL_SARIF              also write lint's findings as SARIF to this file (optional)
#   GITHUB_STEP_SUMMARY    file the summary table is appended to (default: stdout)
#   GITHUB_OUTPUT          file the per-check results are written to (optional)
#
# Findings are printed as GitHub annotations (`idl ... --format github`, which
# writes them to stdout) on stdout. The exit code is the worst of the checks: 0 clean, 1 findings, 2 errors.
set -uo pipefail

idl=${IDL:-}
if [[ -z $idl ]]; then
  if [[ -x $HOME/.idl-action/bin/idl ]]; then idl=$HOME/.idl-action/bin/idl; else idl=idl; fi
fi
read -r -a paths <<<"${IDL_PATHS:-}"
skip_label=${IDL_SKIP_LABEL:-idl skip}
skip_breaking_label=${IDL_SKIP_BREAKING_LABEL:-idl skip breaking}
labels=${IDL_PR_LABELS:-[]}
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
output=${GITHUB_OUTPUT:-/dev/null}

has_label() {
  [[ -n $1 ]] && grep -qF "\"$1\"" <<<"$labels"
}

rows=()
worst=0
# record CHECK RESULT FINDINGS NOTE: one summary row and the step outputs.
record() {
  local icon
  case $2 in
    passed) icon="✅ passed" ;;
    failed) icon="❌ failed" ;;
    error) icon="⚠️ error" ;;
    *) icon="⏭️ skipped" ;;
  esac
  rows+=("| $1 | $icon | $3 | $4 |")
  echo "$1=$2" >>"$output"
  echo "$1-findings=$3" >>"$output"
}

# check NAME ARGS...: runs idl, prints its annotations, records the result.
check() {
  local name=$1
  shift
  local log
  log=$(mktemp)
  echo "::group::idl $*"
  echo "$idl $*"
  # Findings (annotations) are on stdout; idl's notices (stderr) stay in the group.
  "$idl" "$@" --format github >"$log"
  local code=$?
  echo "::endgroup::"
  cat "$log"
  local count
  count=$(grep -cE '^::(error|warning|notice) ' "$log")
  local note=""
  if ((count > 10)); then
    note="GitHub shows the first 10 annotations of a kind per step; all $count are in the log"
  fi
  case $code in
    0) record "$name" passed "$count" "$note" ;;
    1) record "$name" failed "$count" "$note" ;;
    *) record "$name" error "$count" "exit $code: configuration, input or compile error (see the log)" ;;
  esac
  ((code > worst)) && worst=$code
  rm -f "$log"
}

if has_label "$skip_label"; then
  for name in lint format breaking; do record "$name" skipped "" "label \`$skip_label\`"; done
  [[ ${IDL_GENERATE_CHECK:-false} == true ]] && record generate skipped "" "label \`$skip_label\`"
else
  if [[ ${IDL_LINT:-true} == true ]]; then
    lint_reports=()
    [[ -n ${IDL_SARIF:-} ]] && lint_reports=(--report "sarif=$IDL_SARIF")
    check lint lint "${lint_reports[@]}" "${paths[@]}"
  else
    record lint skipped "" "input \`lint: false\`"
  fi
  if [[ ${IDL_FORMAT:-true} == true ]]; then
    check format format --check "${paths[@]}"
  else
    record format skipped "" "input \`format: false\`"
  fi
  if [[ ${IDL_GENERATE_CHECK:-false} == true ]]; then
    # Stale or missing generated files are findings (exit 1), each with its diff.
    check generate generate --check "${paths[@]}"
  fi
  against=${IDL_AGAINST:-}
  if [[ ${IDL_BREAKING:-true} != true ]]; then
    record breaking skipped "" "input \`breaking: false\`"
  elif has_label "$skip_breaking_label"; then
    record breaking skipped "" "label \`$skip_breaking_label\`"
  elif [[ -z $against || $against =~ ^0+$ ]]; then
    record breaking skipped "" "no base to compare with"
  else
    # The merge base must be in the clone, and actions/checkout fetches one commit:
    # unshallow, then fetch the PR's base branch, or a base commit (a push's
    # `before`) that is not here yet.
    if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
      git fetch --quiet --no-tags --unshallow origin
    fi
    if [[ -n ${IDL_FETCH_BRANCH:-} ]]; then
      git fetch --quiet --no-tags origin "+refs/heads/$IDL_FETCH_BRANCH:refs/remotes/origin/$IDL_FETCH_BRANCH"
    elif ! git rev-parse --verify --quiet "$against^{commit}" >/dev/null; then
      git fetch --quiet --no-tags origin "$against" || true
    fi
    check breaking breaking --against-merge-base "$against" "${paths[@]}"
  fi
fi

{
  echo "### idl"
  echo
  echo "| check | result | findings | note |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
} >>"$summary"
exit "$worst"
