#!/usr/bin/env bash
# Peak resident memory of the local platform under large unauthenticated
# POSTs (issue 11, item 6): starts `anthropic-aws emulator`, sends it N
# bodies of SIZE_MB megabytes without credentials (each answered 403
# MissingAuthenticationTokenException), then prints the emulator's VmHWM
# (peak resident set) and VmRSS from /proc. Target: under 64 MB.
#
#   bash benches/emulator_memory.sh [N=20] [SIZE_MB=31] [PARALLEL=1]
#
# Uses target/debug/anthropic-aws, built first (set PROFILE=release for the
# release build). PARALLEL>1 sends that many bodies at once.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-20}
size_mb=${2:-31}
parallel=${3:-1}
profile=${PROFILE:-debug}

if [[ $profile == release ]]; then
    cargo build -q -p anthropic-aws-cli --release
else
    cargo build -q -p anthropic-aws-cli
fi
bin=target/$profile/anthropic-aws

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
head -c $((size_mb * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$work/body"

"$bin" emulator --port 0 --api-key sk-local >"$work/out" 2>"$work/err" &
pid=$!
until grep -q '^listening on ' "$work/out" 2>/dev/null; do
    kill -0 "$pid" || { cat "$work/err"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/out" | head -n 1)
echo "emulator pid $pid at $url; before: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"

post() {
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "$url/v1/messages" \
        -H 'content-type: application/json' \
        -H 'anthropic-version: 2023-06-01' \
        --data-binary @"$work/body"
}
export -f post
export url work
seq "$count" | xargs -P "$parallel" -I{} bash -c post | sort | uniq -c

echo "after $count x ${size_mb} MB (parallel $parallel, $profile build):"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"
