#!/usr/bin/env bash
# Peak RSS of `idl build`, `idl lint` and `idl docs` on one file, as
# docs/reliability.md records them: bench/peak-memory.sh IDL FILE.proto
# Prints one line per command: command, exit code, peak KiB, peak / input bytes.
# Memory does not depend on the machine's load; the load average is printed
# beside the figures anyway, as the project records it.
set -euo pipefail
idl=$(realpath "$1")
file=$(realpath "$2")
dir=$(dirname "$file")
name=$(basename "$file")
bytes=$(stat -c %s "$file")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# $name: $bytes bytes; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for command in build lint docs; do
  case $command in
    build) args=(build "$name" -o "$out/out.binpb") ;;
    lint) args=(lint "$name" --format short) ;;
    docs) args=(docs "$name" -o "$out/site") ;;
  esac
  set +e
  (cd "$dir" && /usr/bin/time -f "%M %e" -o "$out/time" "$idl" "${args[@]}" >"$out/stdout" 2>"$out/stderr")
  code=$?
  set -e
  read -r kib seconds < <(tail -n1 "$out/time") || true
  factor=$(python3 -c "print(f'{$kib * 1024 / $bytes:.1f}')")
  echo "$command exit=$code peak_kib=$kib factor=${factor}x seconds=$seconds"
done
