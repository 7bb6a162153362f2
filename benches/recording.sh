#!/usr/bin/env bash
# The recording layer (issue 24): what recording adds per exchange over a direct call on
# loopback, and how fast a replay of 10,000 exchanges answers, with its peak memory.
#
#   bash benches/recording.sh [N=10000] [SECONDS=10] [CONCURRENCY=16]
#
# 1. `recording_bench record DIR N`: N interleaved pairs of small POST /v1/messages, one
#    straight to an emulator (normal mode), one through a recorder in front of it; prints
#    medians and means, and leaves N exchanges in DIR.
# 2. `anthropic-aws emulator --replay DIR` as its own process; `recording_bench load` sends
#    the same N requests round robin from CONCURRENCY tasks for SECONDS; prints answers/s,
#    then the replay's VmHWM (peak resident set) and VmRSS from /proc.
# Release builds; client and servers share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-10000}
seconds=${2:-10}
concurrency=${3:-16}

cargo build -q --release -p anthropic-aws-cli
cargo build -q --release -p anthropic-aws-emulator --example recording_bench
bench=target/release/examples/recording_bench
bin=target/release/anthropic-aws

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
"$bench" record "$work/rec" "$n"
echo "recording: $(ls "$work/rec/exchanges" | wc -l) exchange files, $(du -sh "$work/rec" | cut -f1)"

"$bin" emulator --replay "$work/rec" --api-key sk-bench-inbound >"$work/out" 2>"$work/err" &
pid=$!
until grep -q '^listening on ' "$work/out" 2>/dev/null; do
    kill -0 "$pid" || { cat "$work/err"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/out" | head -n 1)
echo "replay loaded: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"
"$bench" load "$url" "$n" "$seconds" "$concurrency"
echo "replay after the load: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"
