#!/usr/bin/env bash
# Load on `idl mock` over loopback (issue #15): one unary HTTP/JSON route with
# wrk, one gRPC method with h2load (Debian nghttp2-client), then 1,000
# concurrent connections on each with zero errors expected. A benchmark, not a
# test: it prints requests/s and p99 with the load average next to them, and
# exits 1 only when a run has errors.
#
#   cargo build --release && bench/mock-load.sh [IDL] [SECONDS]
#
# Needs wrk and h2load (apt-get install wrk nghttp2-client) and python3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
idl=${1:-$repo/target/release/idl}
seconds=${2:-10}
for tool in wrk h2load python3; do
  command -v "$tool" >/dev/null || { echo "mock-load: $tool is not installed" >&2; exit 2; }
done
[ -x "$idl" ] || { echo "mock-load: no idl binary at $idl (cargo build --release)" >&2; exit 2; }
# 1,000 connections need more descriptors than the usual 1,024 (both ends are here).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
cleanup() { [ -n "${mock_pid:-}" ] && kill -TERM "$mock_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$repo/testdata/example" && exec "$idl" mock --listen 127.0.0.1:0) >"$work/ready" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 100); do grep -q "serving" "$work/ready" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's|.*http://||p' "$work/ready")
[ -n "$address" ] || { echo "mock-load: idl mock did not start: $(cat "$work/mock.err")" >&2; exit 2; }
echo "idl mock ($idl) on $address; $(nproc) cores; ulimit -n $(ulimit -n)"

# GetUserRequest{id: "7"} in a gRPC envelope.
printf '\x00\x00\x00\x00\x03\x0a\x017' >"$work/get-user.grpc"
failed=0

# wrk: requests/s, p99, and any socket error or non-2xx answer.
http_run() {
  local connections=$1
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://$address/v1/users/7" >"$work/wrk.txt" 2>&1 || true
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(grep -E "Socket errors|Non-2xx" "$work/wrk.txt" || true)
  echo "HTTP  GET /v1/users/7  c=$connections  ${rps} req/s  p99 ${p99}  errors: ${errors:-none}  (load $(cut -d' ' -f1-3 /proc/loadavg))"
  [ -z "$errors" ] || failed=1
}

# h2load: requests/s from its summary, p99 from its per-request log (µs).
grpc_run() {
  local connections=$1 requests=$2 streams=$3
  h2load -c"$connections" -n"$requests" -m"$streams" -t2 -d "$work/get-user.grpc" \
    -H 'content-type: application/grpc' -H 'te: trailers' --log-file="$work/h2load.log" \
    "http://$address/acme.user.v1.UserService/GetUser" >"$work/h2load.txt" 2>&1 || true
  local rps summary
  rps=$(awk '/^finished in/ {print $4}' "$work/h2load.txt")
  summary=$(awk '/^requests:/ {print}' "$work/h2load.txt")
  python3 - "$work/h2load.log" "$connections" "$rps" "$summary" <<'PY' || failed=1
import sys
path, connections, rps, summary = sys.argv[1:5]
latencies = sorted(int(line.split()[2]) for line in open(path) if line.strip())
statuses = [line.split()[1] for line in open(path) if line.strip()]
p99 = latencies[int(len(latencies) * 0.99) - 1] / 1000 if latencies else float("nan")
bad = sum(1 for s in statuses if s != "200")
load = " ".join(open("/proc/loadavg").read().split()[:3])
print(f"gRPC  GetUser  c={connections}  {rps} req/s  p99 {p99:.2f}ms  {summary.strip()}  non-200: {bad}  (load {load})")
ok = "0 failed, 0 errored" in summary and bad == 0
sys.exit(0 if ok else 1)
PY
}

http_run 50
grpc_run 50 $((seconds * 5000)) 10
http_run 1000
grpc_run 1000 20000 1
kill -0 "$mock_pid" || { echo "mock-load: idl mock died: $(cat "$work/mock.err")" >&2; failed=1; }
exit $failed
