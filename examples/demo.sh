#!/usr/bin/env bash
# The omicform demo: start the sandbox, then validate, plan, apply and follow the example,
# and plan again to show nothing is left to do. Run it with `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
OMICFORM="${OMICFORM:-.venv/bin/omicform}"
WORK=.cache/demo
rm -rf "$WORK" && mkdir -p "$WORK"
cp -r examples/omicform.yaml examples/samples.tsv examples/metadata examples/manifests "$WORK"/

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

# The sandbox: both services on 127.0.0.1, NeMO's ingest steps one second apart.
"$OMICFORM" sandbox --port 0 --data "$WORK/sandbox" --fresh --step-seconds 1 >"$WORK/exports" 2>"$WORK/sandbox.log" &
SANDBOX=$!
trap 'kill "$SANDBOX" 2>/dev/null; wait "$SANDBOX" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ "$(grep -c '^export ' "$WORK/exports" 2>/dev/null)" -ge 7 ] && break
  kill -0 "$SANDBOX" 2>/dev/null || { cat "$WORK/sandbox.log"; exit 1; }
  sleep 0.1
done
step "omicform sandbox   # printed these; the demo sources them"
cat "$WORK/exports"
# shellcheck disable=SC1091
source "$WORK/exports"

cd "$WORK"
OMICFORM="$(cd "$OLDPWD" && realpath "$OMICFORM")"
step "omicform validate"
"$OMICFORM" validate
step "omicform plan -out plan.json --compact   # counted by kind; --full lists each change"
"$OMICFORM" plan -out plan.json --compact
step "omicform apply plan.json"
"$OMICFORM" apply plan.json
# NeMO's six ingest steps advance on the sandbox's clock (one a second here).
for _ in $(seq 10); do
  step "omicform status"
  "$OMICFORM" status | tee status.txt
  grep -q "(complete)" status.txt && break
  sleep 2
done
step "omicform plan --detailed-exitcode   # 0: nothing left to do"
"$OMICFORM" plan --detailed-exitcode
