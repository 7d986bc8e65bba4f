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

# shellcheck source=bench/measure.sh
. bench/measure.sh
COUNT=$N
UNIT=certs

echo "inventory: $N certificates, one PEM file each ($(uname -m), $(nproc) cores)"
measure "pkiaudit check --profile anyconnect-server (1 process)" \
  "$BIN" check --revocation off --profile anyconnect-server --at 2026-06-01 --format json "$WORK/inv"
measure "pkiaudit check --trust CA (chain verified, 1 process)" \
  "$BIN" check --revocation off --profile anyconnect-server --at 2026-06-01 --format json --trust "$WORK/ca.pem" "$WORK/inv"
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
