#!/usr/bin/env bash
# Whole-process benchmark for captures: the committed strongSwan capture
# (fixtures/ike/ikev2-rsa.pcap, 12 frames, one IKE SA) repeated N times into
# one pcap, read by pkiaudit (decrypting every IKE_AUTH, auditing the
# certificates) beside tshark doing the same decryption and dissection, in
# the same run.
#
#   bench/ike-vs-tshark.sh [N]      (default N=1000 copies = 12,000 frames)
#
# Needs python3, tshark and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet --bin pkiaudit
BIN=target/release/pkiaudit

python3 - "$N" "$WORK/big.pcap" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
data = open("fixtures/ike/ikev2-rsa.pcap", "rb").read()
header, records = data[:24], data[24:]
open(out, "wb").write(header + records * n)
PY
KEYS=fixtures/ike/ikev2-rsa.keys
mkdir -p "$WORK/wsconf"
cp "$KEYS" "$WORK/wsconf/ikev2_decryption_table"

# shellcheck source=bench/measure.sh
. bench/measure.sh
COUNT=$((N * 12))
UNIT=frames

echo "$((N * 12)) frames, $((N * 4)) CERT payloads in $((N * 6)) IKE messages ($(uname -m), $(nproc) cores)"
measure "pkiaudit inspect --ike-keys --format json" \
  "$BIN" inspect --format json --ike-keys "$KEYS" "$WORK/big.pcap"
measure "pkiaudit check --ike-keys --trust root (every chain verified)" \
  "$BIN" check --format json --at 2026-06-01 --ike-keys "$KEYS" --trust fixtures/ike/pki/root-ca.pem "$WORK/big.pcap"
measure "tshark -Y isakmp.cert.data (decrypting, fields)" \
  env WIRESHARK_CONFIG_DIR="$WORK/wsconf" tshark -r "$WORK/big.pcap" -Y isakmp.cert.data -T fields -e frame.number
measure "tshark -V (full decrypted dissection)" \
  env WIRESHARK_CONFIG_DIR="$WORK/wsconf" tshark -r "$WORK/big.pcap" -V
# sanity: both saw the certificates
echo "tshark frames with CERT: $(env WIRESHARK_CONFIG_DIR="$WORK/wsconf" tshark -r "$WORK/big.pcap" -Y isakmp.cert.data -T fields -e frame.number | wc -l)"
echo "pkiaudit certificates found: $("$BIN" inspect --format json --ike-keys "$KEYS" "$WORK/big.pcap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"][0]["certificates"])')"
