#!/usr/bin/env bash
# Per-request cost: the client against the bare work (serde + aws-sigv4 + reqwest, written
# independently in examples/per_request/bare.rs), each run in its own process against one
# canned server process, alternating, under /usr/bin/time. Prints every run, the medians
# and the client/bare ratios of CPU (user + sys), wall time and peak RSS.
#
#   bash benches/per_request.sh [RUNS]      # default 5 runs of each contender and level
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
levels=("1 20000" "64 40000")

cargo build --release --example per_request
bin=target/release/examples/per_request

log=$(mktemp)
"$bin" serve >"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log" "$log".*' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
echo "server: $url (pid $server); $(nproc) cpus; $runs runs per contender and level"

median() { sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

for level in "${levels[@]}"; do
    read -r c n <<<"$level"
    : >"$log.client"
    : >"$log.bare"
    for run in $(seq "$runs"); do
        # Alternate who goes first, so drift hits both alike.
        order=(client bare)
        ((run % 2 == 0)) && order=(bare client)
        for who in "${order[@]}"; do
            /usr/bin/time -f "%e %U %S %M" -o "$log.t" "$bin" "$who" --url "$url" -n "$n" -c "$c" >/dev/null
            read -r wall user sys rss <"$log.t"
            cpu=$(echo "$user + $sys" | bc -l)
            echo "$wall $cpu $rss" >>"$log.$who"
            printf 'c=%-3s n=%-6s run %s %-6s wall %6.2f s  cpu %6.2f s  peak %6d kB  (%.1f µs cpu/req)\n' \
                "$c" "$n" "$run" "$who" "$wall" "$cpu" "$rss" "$(echo "$cpu * 1000000 / $n" | bc -l)"
        done
    done
    for col in 1 2 3; do
        a=$(cut -d' ' -f$col "$log.client" | median)
        b=$(cut -d' ' -f$col "$log.bare" | median)
        name=$(echo "wall cpu peak_rss" | cut -d' ' -f$col)
        printf 'c=%-3s median %-8s client %10s  bare %10s  client/bare %.3f\n' "$c" "$name" "$a" "$b" "$(echo "$a / $b" | bc -l)"
    done
done
