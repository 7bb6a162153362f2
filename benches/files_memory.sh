#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of a large Files upload and download through the
# client, each in its own process, next to the bare work (issue 13: ≤ 32 MB each at 500 MB).
#
#   bash benches/files_memory.sh [BYTES]     # default 500000000
set -euo pipefail
cd "$(dirname "$0")/.."
bytes="${1:-500000000}"
cargo build --release -q --example files_bench
bin=target/release/examples/files_bench
for mode in upload upload-bare download download-bare; do
  out=$( { /usr/bin/time -v "$bin" --mode "$mode" --bytes "$bytes"; } 2>&1 )
  printf '%-14s max RSS %7d kB   wall %s\n' "$mode" \
    "$(grep 'Maximum resident' <<<"$out" | grep -o '[0-9]*$')" \
    "$(grep 'Elapsed (wall' <<<"$out" | awk '{print $NF}')"
done
