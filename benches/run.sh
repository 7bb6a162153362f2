#!/usr/bin/env bash
# Every benchmark of benches/README.md, in one run, on this machine.
#
#   bash benches/run.sh            # everything (about 6 minutes on 2 cores)
#   bash benches/run.sh --quick    # shorter criterion runs and fewer per-request runs
#
# Needs /usr/bin/time (Debian package `time`) for the peak-RSS figures.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[[ "${1:-}" == "--quick" ]] && quick=true
criterion_args=()
per_request_runs=5
if $quick; then
    criterion_args=(-- --quick)
    per_request_runs=2
fi

echo "## machine"
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
rustc --version

cargo build --release -p anthropic-aws-cli -p anthropic-aws --example per_request --example stream_memory \
    --example batch_results_bench --example files_bench --example tool_runner_bench

echo
echo "## signing and request build (criterion)"
cargo bench --bench signing "${criterion_args[@]}"

echo
echo "## SSE parser (criterion)"
cargo bench --bench sse "${criterion_args[@]}"

echo
echo "## per request: client vs bare aws-sigv4 + reqwest, canned server, own processes"
bash benches/per_request.sh "$per_request_runs"

echo
echo "## tool runner: CPU per step against a hand-written loop, side by side"
target/release/examples/tool_runner_bench --conversations "$($quick && echo 500 || echo 2000)" --rounds 11

echo
echo "## batch results: client vs bare reqwest + serde_json loop"
target/release/examples/batch_results_bench --bytes 200000000 --rounds "$($quick && echo 3 || echo 7)"
echo "### 1 GB of results, max RSS"
bash benches/batch_results_memory.sh 1000000000

echo
echo "## files: 500 MB upload and download, client vs bare"
target/release/examples/files_bench --bytes 500000000 --rounds "$($quick && echo 3 || echo 5)"
echo "### max RSS"
bash benches/files_memory.sh 500000000

echo
echo "## CLI: --stream of a 200 MB answer, plain and --format json (max RSS)"
bash benches/cli_stream_memory.sh 200000000

echo
echo "## emulator: 20 x 31 MB unauthenticated POSTs, then a 500 MiB file (VmHWM)"
bash benches/emulator_memory.sh
bash benches/emulator_memory.sh files 500

echo
echo "## streaming through final_message()"
log=$(mktemp)
target/release/anthropic-aws emulator --port 0 --fast >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)

peak() { grep 'Maximum resident' | awk '{print $NF " kB max RSS"}'; }
for bytes in 10000000 100000000; do
    for delta in 16384 16; do
        echo "### ${bytes} bytes of text in deltas of ${delta} bytes"
        /usr/bin/time -v target/release/examples/stream_memory --bare --url "$url" \
            --bytes "$bytes" --delta-bytes "$delta" 2>"$log.time" | grep '^bare:' || true
        peak <"$log.time"
        /usr/bin/time -v target/release/examples/stream_memory --url "$url" \
            --bytes "$bytes" --delta-bytes "$delta" 2>"$log.time" | grep '^client:' || true
        peak <"$log.time"
    done
    echo "### baseline: a String of ${bytes} bytes"
    /usr/bin/time -v target/release/examples/stream_memory --baseline --bytes "$bytes" \
        2>"$log.time" | grep '^baseline:' || true
    peak <"$log.time"
done
rm -f "$log.time"
