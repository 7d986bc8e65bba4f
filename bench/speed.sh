#!/usr/bin/env bash
# The figures of docs/performance.md "One parse, one verification", beside
# what users run instead, same run; with BEFORE set, an older build's too,
# run alternately with this one (so neither gets the page cache first):
#
#   BEFORE=/path/to/old/pkiaudit bench/speed.sh
#
# 1. `check` of one headend certificate (leaf, intermediate, root) against
#    one `openssl verify -untrusted`;
# 2. `check --crl FILE` of one certificate against a 500,000-entry CRL,
#    beside `openssl crl -noout` (parse only) and `openssl verify
#    -crl_check`;
# 3. a sweep of 10,000 leaves under 5 intermediates, each with a
#    100,000-entry CRL over HTTP on loopback: warm cache against
#    `--revocation off` on the same inventory; the difference is the CRL
#    phase;
# 4. x509-limbo (needs ../shared/conformance/limbo.json.xz or LIMBO=FILE),
#    results compared byte for byte.
#
# The sweep's scale (2k to 1M leaves, ECDSA and RSA, per core) is
# bench/scale.sh. Needs openssl, python3, xz and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
AT=2026-06-01
AT_UNIX=1780272000
WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [[ -n $SERVER ]]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cargo build --release --quiet --bin pkiaudit --example gen_sweep_inventory --example gen_crl_inventory
BIN=$PWD/target/release/pkiaudit
BEFORE=${BEFORE:-}

# shellcheck source=bench/measure.sh
. bench/measure.sh
COUNT=1
UNIT=runs

# Both builds, alternately, twice: NAME, then the pkiaudit arguments.
both() {
  local name=$1
  shift
  for round in 1 2; do
    [[ -n $BEFORE ]] && measure "BEFORE $name (round $round)" "$BEFORE" "$@"
    measure "$name (round $round)" "$BIN" "$@"
  done
}

echo "== 1. one headend certificate ($(uname -m), $(nproc) cores)"
# leaf-00005 under ica-5: none of the planted problems (those are on ica-0..3).
target/release/examples/gen_sweep_inventory "$WORK/one" 100 20 0 http://127.0.0.1:9 >/dev/null
openssl x509 -in "$WORK/one/leaves/leaf-00005.pem" -out "$WORK/leaf.pem"
# 100 runs each: one run is a few milliseconds.
COUNT=100
# bash -c "$RUNS" _ BIN ARGS...: 100 runs of one command.
RUNS='b=$1; shift; for _ in $(seq 100); do "$b" "$@" >/dev/null 2>&1 || true; done'
check_args=(check --revocation off --offline --at "$AT" --trust "$WORK/one/root.pem"
  --untrusted "$WORK/one/intermediates/ica-5.pem" --format json "$WORK/leaf.pem")
"$BIN" "${check_args[@]}" >"$WORK/check.json" || true
python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["verdict"] != "pass")' "$WORK/check.json" || { echo "error: check did not pass the leaf" >&2; exit 1; }
for round in 1 2; do
  [[ -n $BEFORE ]] && measure "BEFORE pkiaudit check --trust root --untrusted ica leaf, 100 runs (round $round)" bash -c "$RUNS" _ "$BEFORE" "${check_args[@]}"
  measure "pkiaudit check --trust root --untrusted ica leaf, 100 runs (round $round)" bash -c "$RUNS" _ "$BIN" "${check_args[@]}"
done
measure "openssl verify -CAfile root -untrusted ica leaf, 100 runs" \
  bash -c "$RUNS" _ openssl verify -attime "$AT_UNIX" -CAfile "$WORK/one/root.pem" \
  -untrusted "$WORK/one/intermediates/ica-5.pem" "$WORK/leaf.pem"
COUNT=1

echo "== 2. one certificate, a 500,000-entry CRL"
target/release/examples/gen_crl_inventory "$WORK/crl" 1 500000 http://127.0.0.1:9/ca.crl >/dev/null
openssl crl -inform der -in "$WORK/crl/ca.crl" -out "$WORK/crl/ca.crl.pem"
CERT=$(find "$WORK/crl/certs" -name '*.pem' | head -1)
echo "CRL: $(stat -c %s "$WORK/crl/ca.crl") bytes"
both "pkiaudit check --crl FILE" \
  check --offline --at "$AT" --revocation crl --crl "$WORK/crl/ca.crl" \
  --trust "$WORK/crl/ca.pem" --format json "$CERT"
measure "openssl crl -noout (parse only)" \
  openssl crl -inform der -in "$WORK/crl/ca.crl" -noout
measure "openssl verify -crl_check -CRLfile" \
  openssl verify -attime "$AT_UNIX" -crl_check -CAfile "$WORK/crl/ca.pem" \
  -CRLfile "$WORK/crl/ca.crl.pem" "$CERT"

echo "== 3. sweep, 10,000 leaves, five 100,000-entry CRLs, warm cache"
INV=$WORK/inv
mkdir -p "$INV/crl"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$INV/crl" >"$WORK/http.log" 2>&1 &
SERVER=$!
target/release/examples/gen_sweep_inventory "$INV" 10000 5 100000 "http://127.0.0.1:$PORT" >/dev/null
rm -f "$INV"/leaves/broken-*.pem
for ((try = 0; try < 50; try++)); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null && break
  sleep 0.1
done
COUNT=10000
UNIT=certs
sweep_args=(sweep --at "$AT" --trust "$INV/root.pem" --format json "$INV/leaves")
for b in ${BEFORE:+"$BEFORE"} "$BIN"; do
  tag=$([[ $b == "$BIN" ]] && echo "" || echo "BEFORE ")
  mkdir -p "$WORK/cache-$(basename "$(dirname "$b")")"
  cache=(--cache-dir "$WORK/cache-$(basename "$(dirname "$b")")")
  measure "${tag}sweep --revocation crl, cold cache (5 downloads)" "$b" "${sweep_args[@]}" --revocation crl "${cache[@]}"
done
for round in 1 2; do
  for b in ${BEFORE:+"$BEFORE"} "$BIN"; do
    tag=$([[ $b == "$BIN" ]] && echo "" || echo "BEFORE ")
    cache=(--cache-dir "$WORK/cache-$(basename "$(dirname "$b")")")
    measure "${tag}sweep --revocation crl, warm cache (round $round)" "$b" "${sweep_args[@]}" --revocation crl "${cache[@]}"
    measure "${tag}sweep --revocation off (round $round)" "$b" "${sweep_args[@]}" --revocation off --offline
  done
done

echo "== 4. x509-limbo"
LIMBO=${LIMBO:-}
if [[ -z $LIMBO && -f ../shared/conformance/limbo.json.xz ]]; then
  xz -dkc ../shared/conformance/limbo.json.xz >"$WORK/limbo.json"
  LIMBO=$WORK/limbo.json
fi
if [[ -n $LIMBO ]]; then
  COUNT=1
  UNIT=runs
  for round in 1 2; do
    [[ -n $BEFORE ]] && measure "BEFORE pkiaudit limbo (round $round)" "$BEFORE" limbo "$LIMBO" --output "$WORK/limbo-before.json"
    measure "pkiaudit limbo (round $round)" "$BIN" limbo "$LIMBO" --output "$WORK/limbo-now.json"
  done
  if [[ -n $BEFORE ]]; then
    cmp -s "$WORK/limbo-before.json" "$WORK/limbo-now.json" && echo "limbo: identical results" ||
      echo "limbo: results differ"
  fi
else
  echo "limbo: no suite (set LIMBO=FILE)"
fi
