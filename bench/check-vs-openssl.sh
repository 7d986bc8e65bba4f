#!/usr/bin/env bash
# Whole-process benchmark: pkiaudit against the openssl loops that scripts
# use today, on the same generated inventory, in the same run.
#
#   bench/check-vs-openssl.sh [N]      (default N=1000 certificates)
#
# Prints wall time, certificates per second and peak RSS (from
# /usr/bin/time -v) for each. Needs openssl and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet --example gen_inventory --bin pkiaudit
target/release/examples/gen_inventory "$WORK/inv" "$N"
BIN=target/release/pkiaudit

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v -o "$WORK/time" "$@" >/dev/null 2>&1 || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
  local secs
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf '%-58s %8.2f s %10.0f certs/s %8d KiB peak RSS\n' "$name" "$secs" \
    "$(awk -v n="$N" -v s="$secs" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$rss"
}

echo "inventory: $N certificates, one PEM file each ($(uname -m), $(nproc) cores)"
measure "pkiaudit check --profile anyconnect-server (1 process)" \
  "$BIN" check --profile anyconnect-server --at 2026-06-01 --format json "$WORK/inv"
measure "pkiaudit check --trust CA (chain verified, 1 process)" \
  "$BIN" check --profile anyconnect-server --at 2026-06-01 --format json --trust "$WORK/ca.pem" "$WORK/inv"
measure "pkiaudit inspect --format json (1 process)" \
  "$BIN" inspect --at 2026-06-01 --format json "$WORK/inv"
measure "openssl x509 -checkend, one process per certificate" \
  bash -c 'for f in "$1"/*.pem; do openssl x509 -noout -checkend 2592000 -in "$f"; done' _ "$WORK/inv"
measure "openssl x509 -noout -text, one process per certificate" \
  bash -c 'for f in "$1"/*.pem; do openssl x509 -noout -text -in "$f"; done' _ "$WORK/inv"
measure "openssl verify -CAfile CA, one process per certificate" \
  bash -c 'for f in "$1"/*.pem; do openssl verify -CAfile "$1/../ca.pem" "$f"; done' _ "$WORK/inv"
measure "openssl verify -purpose sslserver (1 process, all files)" \
  bash -c 'openssl verify -purpose sslserver -CAfile "$1/../ca.pem" "$1"/*.pem' _ "$WORK/inv"
