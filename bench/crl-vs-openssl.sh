#!/usr/bin/env bash
# Whole-process benchmark for revocation: N certificates whose distribution
# point is one CRL with ENTRIES revocations, served over HTTP on loopback
# (python3 -m http.server); pkiaudit with a cold and a warm on-disk cache,
# beside `openssl verify -crl_check` with the same CRL, same run.
#
#   bench/crl-vs-openssl.sh [N] [ENTRIES]     (default 1000 500000)
#
# Needs python3, openssl and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
ENTRIES=${2:-500000}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

cargo build --release --quiet --example gen_crl_inventory --bin pkiaudit
target/release/examples/gen_crl_inventory "$WORK" "$N" "$ENTRIES" "http://127.0.0.1:$PORT/ca.crl"
BIN=target/release/pkiaudit
openssl crl -inform der -in "$WORK/ca.crl" -out "$WORK/ca.crl.pem"

# shellcheck source=bench/measure.sh
. bench/measure.sh
COUNT=$N
UNIT=certs

echo "$N certificates, CRL of $ENTRIES entries ($(stat -c %s "$WORK/ca.crl") bytes), $(uname -m), $(nproc) cores"
measure "pkiaudit check --revocation crl, cold cache (fetch + parse)" \
  "$BIN" check --format json --at 2026-06-01 --revocation crl --cache-dir "$WORK/cache" --trust "$WORK/ca.pem" "$WORK/certs"
measure "pkiaudit check --revocation crl, warm cache" \
  "$BIN" check --format json --at 2026-06-01 --revocation crl --cache-dir "$WORK/cache" --trust "$WORK/ca.pem" "$WORK/certs"
measure "openssl verify -crl_check -CRLfile (1 process, all files)" \
  bash -c 'openssl verify -crl_check -attime 1780272000 -CAfile "$1/ca.pem" -CRLfile "$1/ca.crl.pem" "$1"/certs/*.pem' _ "$WORK"
echo "pkiaudit revoked: $("$BIN" check --format json --at 2026-06-01 --revocation crl --cache-dir "$WORK/cache" --trust "$WORK/ca.pem" "$WORK/certs" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for c in d["certificates"] for r in c.get("revocation",[]) if r["status"]=="revoked"))')"
echo "openssl revoked: $(openssl verify -crl_check -attime 1780272000 -CAfile "$WORK/ca.pem" -CRLfile "$WORK/ca.crl.pem" "$WORK"/certs/*.pem 2>&1 | grep -c 'certificate revoked' || true)"
