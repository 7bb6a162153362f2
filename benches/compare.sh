#!/usr/bin/env bash
# Two commits side by side, in one run: the per-request bench (examples/per_request/) and the
# batch-results bench (examples/batch_results_bench.rs), each contender against its bare loop.
#
#   bash benches/compare.sh OLD NEW [--quick]
#   bash benches/compare.sh 99263a6 HEAD
#
# Each commit is exported with `git archive` to /tmp/anthropic-aws-compare/src-<sha> (no
# worktree; the checkout is untouched) and built in release into this checkout's target
# directory, so that the dependencies already built there serve both (set COMPARE_DIR and
# COMPARE_TARGET to move them). The two binaries of each commit are kept in bin-<code commit> and
# reused by the next run. Then, for both commits:
#
# * instructions (valgrind --tool=callgrind, deterministic): per request, client and bare, on a
#   current-thread runtime at c=1, as the difference between a long and a short run (the start
#   of the process cancels out); per MB of batch results, the same way between two body sizes;
# * CPU ratios client / bare on the wall clock: per_request at c=1 and c=64 under
#   /usr/bin/time (user + sys, median of alternated runs), and batch_results_bench's own median
#   client / bare throughput. On a loaded machine these move by several percent: read the
#   instruction counts first.
#
# --quick: fewer runs and smaller counts (a smoke test of the script).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: bash benches/compare.sh OLD NEW [--quick]" >&2; exit 2; }
old=$(git rev-parse --short "$1^{commit}")
new=$(git rev-parse --short "$2^{commit}")
quick=${3:-}
dir=${COMPARE_DIR:-/tmp/anthropic-aws-compare}
target=${COMPARE_TARGET:-$PWD/target}
mkdir -p "$dir"

# Instruction runs: requests (short, long) and result bytes (small, large); wall-clock runs.
if [[ $quick == --quick ]]; then
    req=(50 250) bytes=(2000000 6000000) runs=3 wall_n=2000 batch_bytes=20000000 rounds=3
else
    req=(200 1200) bytes=(4000000 24000000) runs=7 wall_n=20000 batch_bytes=100000000 rounds=5
fi

# Binaries are kept by the last commit that changed what they are built from (anything but
# shell scripts and Markdown), so a commit of docs or scripts reuses them.
code() { git log -1 --format=%h "$1" -- . ':(exclude)*.sh' ':(exclude)*.md'; }

build() { # commit -> $dir/bin-<code commit>/{per_request,batch_results_bench}
    local sha=$1 src=$dir/src-$(code "$1") bin=$dir/bin-$(code "$1")
    if [[ ! -x $bin/per_request || ! -x $bin/batch_results_bench ]]; then
        rm -rf "$src" && mkdir -p "$src" "$bin"
        git archive "$sha" | tar -x -C "$src"
        (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release --quiet \
            --example per_request --example batch_results_bench)
        cp "$target/release/examples/per_request" "$target/release/examples/batch_results_bench" "$bin/"
    fi
}
build "$old"
build "$new"
# From here on, a commit's binaries are in bin-<its code commit>.
bin_old=$dir/bin-$(code "$old") bin_new=$dir/bin-$(code "$new")
declare -A bins=([$old]=$bin_old [$new]=$bin_new)

median() { sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

# One canned-answer server for every per-request run (the new build's; it verifies nothing).
log=$(mktemp)
"$bin_new/per_request" serve >"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log" "$log".*' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)

instructions() { # callgrind's total of instructions of the command
    valgrind --tool=callgrind --callgrind-out-file="$log.cg" "$@" >/dev/null 2>"$log.vg" ||
        { cat "$log.vg" >&2; return 1; }
    awk '/^(summary|totals):/ {print $2; exit}' "$log.cg"
}

echo "compare $old (old, code of $(code "$old")) with $new (new, code of $(code "$new")); $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== instructions (callgrind; per request at c=1, current-thread; per MB of batch results): lower is better"
declare -A ir
for sha in "$old" "$new"; do
    for who in client bare; do
        a=$(PER_REQUEST_RUNTIME=current instructions "${bins[$sha]}/per_request" "$who" --url "$url" -n "${req[0]}" -c 1)
        b=$(PER_REQUEST_RUNTIME=current instructions "${bins[$sha]}/per_request" "$who" --url "$url" -n "${req[1]}" -c 1)
        ir[req-$sha-$who]=$(((b - a) / (req[1] - req[0])))
        a=$(instructions "${bins[$sha]}/batch_results_bench" --only "$who" --bytes "${bytes[0]}")
        b=$(instructions "${bins[$sha]}/batch_results_bench" --only "$who" --bytes "${bytes[1]}")
        ir[mb-$sha-$who]=$(((b - a) * 1000000 / (bytes[1] - bytes[0])))
    done
done
row() { # label key
    local o_c=${ir[$2-$old-client]} o_b=${ir[$2-$old-bare]} n_c=${ir[$2-$new-client]} n_b=${ir[$2-$new-bare]}
    printf '%-22s %-8s client %12d  bare %12d  client/bare %.3f\n' "$1" "$old" "$o_c" "$o_b" "$(echo "$o_c / $o_b" | bc -l)"
    printf '%-22s %-8s client %12d  bare %12d  client/bare %.3f   new/old client %.3f\n' "" "$new" "$n_c" "$n_b" \
        "$(echo "$n_c / $n_b" | bc -l)" "$(echo "$n_c / $o_c" | bc -l)"
}
row "per request" req
row "per MB of results" mb

echo
echo "== on the wall clock: per request, CPU client / bare (median of $runs alternated runs, /usr/bin/time"
echo "   user+sys; lower is better); batch results, throughput client / bare (higher is better)"
for c in 1 64; do
    : >"$log.runs"
    for sha in "$old" "$new"; do # warm-up, not counted
        for who in client bare; do
            "${bins[$sha]}/per_request" "$who" --url "$url" -n $((wall_n / 10)) -c "$c" >/dev/null
        done
    done
    for run in $(seq "$runs"); do
        order=("$old client" "$old bare" "$new client" "$new bare")
        ((run % 2 == 0)) && order=("$new bare" "$new client" "$old bare" "$old client")
        for pair in "${order[@]}"; do
            read -r sha who <<<"$pair"
            /usr/bin/time -f "%U %S" -o "$log.t" "${bins[$sha]}/per_request" "$who" --url "$url" -n "$wall_n" -c "$c" >/dev/null
            read -r user sys <"$log.t"
            echo "$run $sha $who $(echo "$user + $sys" | bc -l)" >>"$log.runs"
        done
    done
    for sha in "$old" "$new"; do
        r=$(awk -v s="$sha" '$2 == s {v[$1" "$3]=$4} END{for (k in v) {split(k, p, " "); if (p[2] == "client") print v[k] / v[p[1]" bare"]}}' "$log.runs" | median)
        cc=$(awk -v s="$sha" '$2 == s && $3 == "client" {print $4}' "$log.runs" | median)
        bc_=$(awk -v s="$sha" '$2 == s && $3 == "bare" {print $4}' "$log.runs" | median)
        printf 'per request c=%-3s %-8s client/bare %.3f  (µs cpu/req: client %.1f, bare %.1f)\n' "$c" "$sha" "$r" \
            "$(echo "$cc * 1000000 / $wall_n" | bc -l)" "$(echo "$bc_ * 1000000 / $wall_n" | bc -l)"
    done
done
for sha in "$old" "$new" "$old" "$new"; do
    line=$("${bins[$sha]}/batch_results_bench" --bytes "$batch_bytes" --rounds "$rounds" | tail -1)
    printf 'batch results %-8s %s\n' "$sha" "${line#median of }"
done
