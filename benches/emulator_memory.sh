#!/usr/bin/env bash
# Peak resident memory of the local platform under large unauthenticated
# POSTs (issue 11, item 6): starts `anthropic-aws emulator`, sends it N
# bodies of SIZE_MB megabytes without credentials (each answered 403
# MissingAuthenticationTokenException), then prints the emulator's VmHWM
# (peak resident set) and VmRSS from /proc. Target: under 64 MB.
#
#   bash benches/emulator_memory.sh [N=20] [SIZE_MB=31] [PARALLEL=1]
#
# Files (issue 13): uploads one file of SIZE_MB megabytes (MiB, default 500,
# the Files API limit; generated in a temporary directory) as
# multipart/form-data with the API key and the scenario
# file-downloadable=true, downloads it back and compares, then prints
# VmHWM/VmRSS. The emulator hashes the body as it arrives and writes the
# file to disk, so memory stays flat whatever the size:
#
#   bash benches/emulator_memory.sh files [SIZE_MB=500]
#
# Uses target/debug/anthropic-aws, built first (set PROFILE=release for the
# release build). PARALLEL>1 sends that many bodies at once.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=count
if [[ ${1:-} == files ]]; then
    mode=files
    shift
fi
count=${1:-20}
size_mb=${2:-31}
parallel=${3:-1}
if [[ $mode == files ]]; then
    size_mb=${1:-500}
fi
profile=${PROFILE:-debug}

if [[ $profile == release ]]; then
    cargo build -q -p anthropic-aws-cli --release
else
    cargo build -q -p anthropic-aws-cli
fi
bin=target/$profile/anthropic-aws

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" emulator --port 0 --api-key sk-local >"$work/out" 2>"$work/err" &
pid=$!
until grep -q '^listening on ' "$work/out" 2>/dev/null; do
    kill -0 "$pid" || { cat "$work/err"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/out" | head -n 1)
echo "emulator pid $pid at $url; before: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"

if [[ $mode == files ]]; then
    head -c $((size_mb * 1024 * 1024)) /dev/urandom >"$work/upload.bin"
    start=$(date +%s.%N)
    curl -sS -o "$work/meta.json" -w 'upload: HTTP %{http_code}, %{size_upload} bytes sent\n' \
        -X POST "$url/v1/files" \
        -H 'authorization: Bearer sk-local' \
        -H 'anthropic-version: 2026-10-21' \
        -H 'anthropic-workspace-id: wrkspc_emulator' \
        -H 'x-emulator-scenario: file-downloadable=true' \
        -F "file=@$work/upload.bin;type=application/octet-stream"
    echo "upload took $(awk "BEGIN { print $(date +%s.%N) - $start }") s: $(cat "$work/meta.json")"
    echo "after the upload: $(grep -E 'VmHWM|VmRSS' /proc/$pid/status | tr -s ' \n' ' ')"
    id=$(sed -n 's/.*"id":"\(file_[^"]*\)".*/\1/p' "$work/meta.json")
    curl -sS -o "$work/download.bin" -w 'download: HTTP %{http_code}, %{size_download} bytes\n' \
        "$url/v1/files/$id/content" \
        -H 'authorization: Bearer sk-local' \
        -H 'anthropic-version: 2026-10-21' \
        -H 'anthropic-workspace-id: wrkspc_emulator'
    cmp "$work/upload.bin" "$work/download.bin" && echo "downloaded bytes equal the uploaded ones"
    echo "after ${size_mb} MiB up and down ($profile build):"
    grep -E 'VmHWM|VmRSS' "/proc/$pid/status"
    exit 0
fi

head -c $((size_mb * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$work/body"

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
