#!/usr/bin/env bash
# Per-request cost: the client against the bare work (serde + aws-sigv4 + reqwest, written
# independently in examples/per_request/bare.rs), each run in its own process against one
# canned server process, alternating, under /usr/bin/time. Prints every run, the medians
# and the client/bare ratios of CPU (user + sys), wall time and peak RSS.
#
#   bash benches/per_request.sh [RUNS] [--pin]
#
# RUNS defaults to 5 per contender and level. With --pin the server runs on CPU 1 and the
# contender (all its threads) on CPU 0, so that neither steals the other's core: less noise
# from the scheduler, at the price of a setting no user runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
server_cpu=()
contender_cpu=()
if [[ "${2:-}" == "--pin" ]]; then
    server_cpu=(taskset -c 1)
    contender_cpu=(taskset -c 0)
fi
# concurrency, requests, and whether the harness keeps every JoinHandle until the end (as many
# do: a finished task's memory then lives until it is joined, so the size of the request's
# future shows in the peak RSS).
levels=("1 20000" "64 40000" "1 20000 --keep-handles" "64 40000 --keep-handles")

cargo build --release --example per_request
bin=target/release/examples/per_request

log=$(mktemp)
"${server_cpu[@]}" "$bin" serve >"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log" "$log".*' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
echo "server: $url (pid $server); $(nproc) cpus; $runs runs per contender and level${2:+; $2}"

median() { sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

for level in "${levels[@]}"; do
    read -r c n keep <<<"$level"
    : >"$log.runs"
    # A warm-up of each, not counted: the first process after a build or a pause pays for
    # cold caches, and would always be the client.
    for who in client bare; do
        "${contender_cpu[@]}" "$bin" "$who" --url "$url" -n $((n / 10)) -c "$c" >/dev/null
    done
    for run in $(seq "$runs"); do
        # Alternate who goes first, so drift hits both alike.
        order=(client bare)
        ((run % 2 == 0)) && order=(bare client)
        for who in "${order[@]}"; do
            "${contender_cpu[@]}" /usr/bin/time -f "%e %U %S %M" -o "$log.t" "$bin" "$who" --url "$url" -n "$n" -c "$c" $keep >/dev/null
            read -r wall user sys rss <"$log.t"
            cpu=$(echo "$user + $sys" | bc -l)
            echo "$run $who $wall $cpu $rss" >>"$log.runs"
            printf 'c=%-3s n=%-6s%s run %-2s %-6s wall %6.2f s  cpu %6.2f s  peak %6d kB  (%.1f µs cpu/req)\n' \
                "$c" "$n" "${keep:+ $keep}" "$run" "$who" "$wall" "$cpu" "$rss" "$(echo "$cpu * 1000000 / $n" | bc -l)"
        done
    done
    # Per measure: each contender's median, and the median of the per-run ratios (a run is
    # one client and one bare process, back to back).
    for col in 3 4 5; do
        name=$(echo "- - wall cpu peak_rss" | cut -d' ' -f$col)
        a=$(awk -v k=$col '$2 == "client" {print $k}' "$log.runs" | median)
        b=$(awk -v k=$col '$2 == "bare" {print $k}' "$log.runs" | median)
        r=$(awk -v k=$col '{v[$1" "$2]=$k} END{for (key in v) {split(key, p, " "); if (p[2] == "client") print v[key] / v[p[1]" bare"]}}' "$log.runs" | median)
        printf 'c=%-3s%s %-8s median client %9s  bare %9s  ratio of medians %.3f  median of run ratios %.3f\n' \
            "$c" "${keep:+ $keep}" "$name" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$r"
    done
done
