#!/usr/bin/env bash
# Whole-process benchmark for Cisco inputs: a running-config with N
# `crypto pki certificate chain` blocks and a `show crypto pki certificates
# verbose` paste with N entries, read by pkiaudit, beside what an engineer
# runs today on the same running-config (each hex block through xxd and
# openssl, one process pair per block), in the same run.
#
#   bench/cisco-vs-openssl.sh [N]      (default N=1000)
#
# Needs python3, openssl, xxd and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet --example gen_inventory --bin pkiaudit
target/release/examples/gen_inventory "$WORK/inv" "$N"
BIN=target/release/pkiaudit

# The inventory as one running-config (one trustpoint per certificate) and
# as one verbose show paste (the IOS-XE fixture's leaf entry, renumbered).
python3 - "$WORK" <<'PY'
import base64, glob, os, re, sys
work = sys.argv[1]

def tlv(b, i):  # (tag, content start, end) of the DER element at i
    n = b[i + 1]
    if n < 0x80:
        return b[i], i + 2, i + 2 + n
    k = n & 0x7F
    length = int.from_bytes(b[i + 2:i + 2 + k], "big")
    return b[i], i + 2 + k, i + 2 + k + length

def serial(der):  # Certificate → tbsCertificate → [version] → serialNumber
    _, tbs, _ = tlv(der, tlv(der, 0)[1])
    tag, start, end = tlv(der, tbs)
    if tag == 0xA0:
        tag, start, end = tlv(der, end)
    return der[start:end].hex().upper()

cfg, show = ["hub#show running-config", "Building configuration..."], ["hub#show crypto pki certificates verbose"]
entry = open("fixtures/ios/show-crypto-pki-certificates-verbose-iosxe.txt").read()
entry = entry[entry.index("Certificate\n"):entry.index("CA Certificate\n")]
# distinct certificates: no fingerprint to merge them by
entry = "".join(l for l in entry.splitlines(True) if "Fingerprint" not in l)
for i, f in enumerate(sorted(glob.glob(os.path.join(work, "inv", "*.pem")))):
    b64 = "".join(l for l in open(f).read().splitlines() if l and not l.startswith("-----"))
    der = base64.b64decode(b64)
    cfg += [f"crypto pki certificate chain TP{i}", f" certificate {serial(der)}"]
    for off in range(0, len(der), 32):
        chunk = der[off:off + 32]
        cfg.append("  " + " ".join(chunk[j:j + 4].hex().upper() for j in range(0, len(chunk), 4)))
    cfg += ["  \tquit", "!"]
    show.append(re.sub(r"\(hex\): \w+", f"(hex): {i + 1:06X}", entry).replace("HUB-TP", f"TP{i}"))
open(os.path.join(work, "running-config.txt"), "w").write("\n".join(cfg + ["end", ""]))
open(os.path.join(work, "show.txt"), "w").write("\n".join(show))
PY

# shellcheck source=bench/measure.sh
. bench/measure.sh
COUNT=$N
UNIT=certs

echo "$N certificates ($(uname -m), $(nproc) cores); running-config $(wc -c <"$WORK/running-config.txt") bytes, show paste $(wc -c <"$WORK/show.txt") bytes"
measure "pkiaudit inspect --format json running-config (1 process)" \
  "$BIN" inspect --at 2026-06-01 --format json "$WORK/running-config.txt"
measure "pkiaudit check --format json running-config (1 process)" \
  "$BIN" check --revocation off --at 2026-06-01 --format json "$WORK/running-config.txt"
measure "pkiaudit check --format json show paste (1 process)" \
  "$BIN" check --revocation off --at 2026-06-01 --format json "$WORK/show.txt"
measure "awk + xxd -r -p + openssl x509 -text, per chain block" \
  bash -c 'awk "/^ certificate /{f=1; n++; next} /quit/{f=0} f{print > (\"$1/blk\" n)}" "$1/running-config.txt"
           for b in "$1"/blk*; do xxd -r -p "$b" | openssl x509 -inform der -noout -text; done' _ "$WORK"
