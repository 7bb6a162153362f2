#!/usr/bin/env bash
# Peak memory of `anthropic-aws messages create --stream` on a large answer (issue 11, item 5):
# plain text streaming, and `--format json`, which holds the message and stops at
# MAX_RESPONSE_BYTES with response_too_large. The local platform streams the text lazily.
#
#   bash benches/cli_stream_memory.sh [BYTES]     # default 200 MB
set -euo pipefail
cd "$(dirname "$0")/.."
bytes="${1:-200000000}"
cargo build --release -q -p anthropic-aws-cli
bin=target/release/anthropic-aws
log=$(mktemp)
"$bin" emulator --port 0 --api-key bench-key >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q "http://" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
run() {
  local label=$1; shift
  local out
  out=$( { /usr/bin/time -v env ANTHROPIC_AWS_BASE_URL="$url" AWS_REGION=us-west-2 \
      ANTHROPIC_AWS_WORKSPACE_ID=wrkspc_emulator ANTHROPIC_AWS_API_KEY=bench-key \
      "$bin" messages create --model "claude-opus-4-8~stream-text-bytes=$bytes" --max-tokens 1024 \
      --message '{role: user, content: "a long answer"}' --stream "$@" >/dev/null; } 2>&1 ) || true
  printf '%-28s max RSS %6d kB   %s\n' "$label" \
    "$(grep 'Maximum resident' <<<"$out" | grep -o '[0-9]*$')" \
    "$(grep -o '"type":"[a-z_]*"' <<<"$out" | tail -1)"
}
run "--stream (text)"
run "--stream --format jsonl"
run "--stream --format json" --format json --format-error json
run "--stream --format yaml" --format yaml --format-error json
