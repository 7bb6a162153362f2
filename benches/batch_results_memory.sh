#!/usr/bin/env bash
# Peak memory of reading 1 GB of batch results through `results()`, each contender in its own
# process under /usr/bin/time -v (the canned server runs in the same process, holding its
# 1 MiB block).
#
#   bash benches/batch_results_memory.sh [BYTES=1000000000]
set -euo pipefail
cd "$(dirname "$0")/.."
bytes="${1:-1000000000}"
cargo build --release --example batch_results_bench
for who in client bare; do
    out=$(mktemp)
    /usr/bin/time -v target/release/examples/batch_results_bench --only "$who" --bytes "$bytes" \
        2>"$out.time" | tee "$out" | grep -i "^$who" || true
    grep 'Maximum resident' "$out.time" | awk -v who="$who" '{print who ": " $NF " kB max RSS"}'
    rm -f "$out" "$out.time"
done
