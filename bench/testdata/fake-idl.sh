#!/bin/sh
# A stand-in for the idl binary, to exercise bench/bench.py before idl exists:
#   python3 bench/bench.py --idl bench/testdata/fake-idl.sh --skip-missing
# `build` runs protoc (so the build scenario measures protoc against buf); every other
# subcommand answers the way an unfinished idl does: exit 2, "not yet available".
PROTOC="${PROTOC:-${IDL_PEERS:-$HOME/.cache/idl-peers}/bin/protoc}"
cmd="$1"; [ $# -gt 0 ] && shift
case "$cmd" in
  --version) echo "fake-idl (protoc stand-in)"; exit 0 ;;
  build)
    dir=.; out=; si=
    while [ $# -gt 0 ]; do
      case "$1" in
        -o) out="$2"; shift 2 ;;
        --source-info) si=--include_source_info; shift ;;
        -*) echo "fake-idl: unknown flag $1" >&2; exit 2 ;;
        *) dir="$1"; shift ;;
      esac
    done
    [ -n "$out" ] || { echo "fake-idl: build needs -o" >&2; exit 2; }
    cd "$dir" || exit 2
    # protoc wants relative names under its -I; the corpus is ~7,000 files, within ARG_MAX
    exec "$PROTOC" -I. --include_imports $si --descriptor_set_out="$out" $(find . -name '*.proto' | sed 's|^\./||' | sort)
    ;;
  *) echo "error: \`idl $cmd\` is not yet available" >&2; exit 2 ;;
esac
