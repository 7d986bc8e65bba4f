#!/usr/bin/env bash
# Whole-process benchmark for `pkiaudit sweep`: an inventory of N_LEAVES
# headend certificates under N_INTERMEDIATES issuing CAs, one CRL of
# CRL_ENTRIES revocations per CA served over HTTP on loopback
# (python3 -m http.server), with planted problems (examples/gen_sweep_inventory.rs).
# pkiaudit sweep (cold and warm CRL cache; JSON to /dev/null and Prometheus
# to a file) beside the openssl loops scripts run today, same run:
#
#   bench/sweep-vs-openssl.sh [N_LEAVES] [N_INTERMEDIATES] [CRL_ENTRIES]
#                                        (default 10000 20 100000)
#
# openssl verify one process per certificate is timed on the first 500
# leaves only (the whole inventory would take too long); the batched openssl
# run (one process per intermediate, all its leaves) covers every leaf.
# All audits are at 2026-06-01 (openssl -attime 1780272000).
# certificates/s counts the N_LEAVES leaves (or the sample) for every line.
# Exits 1 if the sweep's peak RSS is over the 200 MB goal or if the sweep
# misses a planted problem.
#
# Needs python3, openssl and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

N_LEAVES=${1:-10000}
N_INT=${2:-20}
CRL_ENTRIES=${3:-100000}
SAMPLE=500
AT=2026-06-01
AT_UNIX=1780272000 # 2026-06-01T00:00:00Z
RSS_GOAL_KIB=195312 # 200 MB = 200,000,000 bytes
for n in "$N_LEAVES" "$N_INT" "$CRL_ENTRIES"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "usage: $0 [N_LEAVES] [N_INTERMEDIATES] [CRL_ENTRIES]" >&2; exit 2; }
done
((N_INT > 0)) || { echo "N_INTERMEDIATES must be at least 1" >&2; exit 2; }
((SAMPLE <= N_LEAVES)) || SAMPLE=$N_LEAVES
for tool in python3 openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done

WORK=$(mktemp -d)
SERVER=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [[ -n $SERVER ]]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cargo build --release --quiet --example gen_sweep_inventory --bin pkiaudit
BIN=target/release/pkiaudit
if ! "$BIN" sweep --help >/dev/null 2>&1; then
  echo "error: '$BIN sweep --help' failed: this build of pkiaudit has no working 'sweep' command, which this benchmark measures" >&2
  exit 1
fi

# The CRL server first (it holds the port), then the inventory it serves.
INV=$WORK/inv
mkdir -p "$INV/crl"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$INV/crl" >"$WORK/http.log" 2>&1 &
SERVER=$!
for ((try = 0; ; try++)); do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "error: the CRL server (python3 -m http.server on 127.0.0.1:$PORT) exited:" >&2
    cat "$WORK/http.log" >&2
    exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  if ((try >= 100)); then echo "error: the CRL server did not listen on 127.0.0.1:$PORT within 10 s" >&2; exit 1; fi
  sleep 0.1
done
BASE_URL=http://127.0.0.1:$PORT
target/release/examples/gen_sweep_inventory "$INV" "$N_LEAVES" "$N_INT" "$CRL_ENTRIES" "$BASE_URL"
served=$(python3 -c 'import sys, urllib.request; print(len(urllib.request.urlopen(sys.argv[1]).read()))' "$BASE_URL/ica-0.crl")
if [[ $served != "$(stat -c %s "$INV/crl/ica-0.crl")" ]]; then
  echo "error: $BASE_URL/ica-0.crl served $served bytes, not the file" >&2
  exit 1
fi
requests() { grep -c '"GET ' "$WORK/http.log" || true; }

# openssl inputs, made once and not timed: the CRLs in PEM, and each
# intermediate's leaves (leaf i is under ica-(i mod N_INTERMEDIATES)).
mkdir -p "$WORK/crlpem" "$WORK/lists"
for ((k = 0; k < N_INT; k++)); do
  openssl crl -inform DER -in "$INV/crl/ica-$k.crl" -outform PEM -out "$WORK/crlpem/ica-$k.crl.pem"
  : >"$WORK/lists/ica-$k.txt"
done
for ((i = 0; i < N_LEAVES; i++)); do
  printf '%s/leaves/leaf-%05d.pem\n' "$INV" "$i" >>"$WORK/lists/ica-$((i % N_INT)).txt"
done

# shellcheck source=bench/measure.sh
. bench/measure.sh
UNIT=certs
SECS=0
RSS=0
last() { # SECS and RSS (KiB) of the last measure
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time" |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }

echo "inventory: $N_LEAVES leaves (+5 unreadable files) under $N_INT intermediates," \
  "one CRL of $CRL_ENTRIES entries each ($(du -sh --apparent-size "$INV/crl" | cut -f1) of CRLs) on $BASE_URL;" \
  "$(uname -m), $(nproc) cores, $(openssl version | cut -d' ' -f1-2)"

# --- pkiaudit sweep ------------------------------------------------------
COUNT=$N_LEAVES
SWEEP_RSS=0
declare -A RATE
sweep() { # label, cache dir, format args...
  local label=$1 cache=$2 before
  shift 2
  before=$(requests)
  measure "pkiaudit sweep $label" \
    bash -c 'exec "$@" >/dev/null' _ "$BIN" sweep --at "$AT" "$@" --trust "$INV/root.pem" \
    --cache-dir "$cache" "$INV/leaves" "$INV/intermediates"
  if grep -q '^Usage:' "$WORK/out"; then
    echo "error: pkiaudit sweep rejected its arguments:" >&2
    cat "$WORK/out" >&2
    exit 1
  fi
  last
  RATE[$label]=$(rate "$COUNT" "$SECS")
  if ((RSS > SWEEP_RSS)); then SWEEP_RSS=$RSS; fi
  echo "    ($(($(requests) - before)) HTTP requests to the CRL server)"
}
sweep "--format json, cold cache" "$WORK/cache-json" --format json
sweep "--format json, warm cache" "$WORK/cache-json" --format json
sweep "--format prometheus --output F, cold cache" "$WORK/cache-prom" --format prometheus --output "$WORK/sweep.prom"
sweep "--format prometheus --output F, warm cache" "$WORK/cache-prom" --format prometheus --output "$WORK/sweep.prom"
if [[ -s $WORK/sweep.prom ]]; then
  echo "    (Prometheus file: $(wc -l <"$WORK/sweep.prom") lines, $(stat -c %s "$WORK/sweep.prom") bytes)"
else
  echo "    WARNING: --output $WORK/sweep.prom was not written" >&2
fi

# --- openssl -------------------------------------------------------------
COUNT=$SAMPLE
# shellcheck disable=SC2016 # expanded by the inner bash
measure "openssl verify -crl_check, one process per certificate ($SAMPLE leaves)" \
  bash -c 'inv=$1 work=$2 n=$3 sample=$4 at=$5
    for ((i = 0; i < sample; i++)); do
      k=$((i % n))
      printf -v f "%s/leaves/leaf-%05d.pem" "$inv" "$i"
      openssl verify -crl_check -attime "$at" -CAfile "$inv/root.pem" \
        -untrusted "$inv/intermediates/ica-$k.pem" -CRLfile "$work/crlpem/ica-$k.crl.pem" "$f"
    done' _ "$INV" "$WORK" "$N_INT" "$SAMPLE" "$AT_UNIX"
last
RATE_LOOP=$(rate "$SAMPLE" "$SECS")
if ((SAMPLE < N_LEAVES)); then
  echo "    (timed on the first $SAMPLE of $N_LEAVES leaves: all of them would take" \
    "~$(awk -v s="$SECS" -v n="$N_LEAVES" -v m="$SAMPLE" 'BEGIN { printf "%.0f", s * n / m }') s; the rate is the sample's)"
fi

COUNT=$N_LEAVES
# shellcheck disable=SC2016 # expanded by the inner bash
measure "openssl verify -crl_check, one process per intermediate ($N_INT)" \
  bash -c 'inv=$1 work=$2 n=$3 at=$4
    for ((k = 0; k < n; k++)); do
      mapfile -t files <"$work/lists/ica-$k.txt"
      ((${#files[@]})) || continue
      openssl verify -crl_check -attime "$at" -CAfile "$inv/root.pem" \
        -untrusted "$inv/intermediates/ica-$k.pem" -CRLfile "$work/crlpem/ica-$k.crl.pem" "${files[@]}"
    done' _ "$INV" "$WORK" "$N_INT" "$AT_UNIX"
last
RATE_BATCH=$(rate "$N_LEAVES" "$SECS")
echo "    (openssl: $(grep -c ': OK$' "$WORK/out" || true) OK," \
  "$(grep -c 'certificate has expired' "$WORK/out" || true) expired," \
  "$(grep -c 'certificate revoked' "$WORK/out" || true) revoked," \
  "$(grep -c 'unable to get local issuer certificate' "$WORK/out" || true) unable to get issuer;" \
  "planted: $(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(", ".join(f"{len(v)} {k}" for k, v in d.items()))' "$INV/planted.json"))"

# --- summary -------------------------------------------------------------
echo
echo "speedup in certificates/s (openssl per certificate: $RATE_LOOP/s, batched per intermediate: $RATE_BATCH/s):"
for label in "--format json, cold cache" "--format json, warm cache" \
  "--format prometheus --output F, cold cache" "--format prometheus --output F, warm cache"; do
  printf '  pkiaudit sweep %-44s %10s/s: %8s vs per-certificate openssl, %8s vs batched openssl\n' \
    "$label" "${RATE[$label]}" "$(ratio "${RATE[$label]}" "$RATE_LOOP")" "$(ratio "${RATE[$label]}" "$RATE_BATCH")"
done

status=0
if ((SWEEP_RSS <= RSS_GOAL_KIB)); then
  echo "peak RSS of pkiaudit sweep: $SWEEP_RSS KiB ($((SWEEP_RSS / 1024)) MiB), within the 200 MB goal"
else
  echo "peak RSS of pkiaudit sweep: $SWEEP_RSS KiB ($((SWEEP_RSS / 1024)) MiB): OVER the 200 MB goal"
  status=1
fi

# Did the sweep find what was planted? (One more warm run, not timed.)
"$BIN" sweep --at "$AT" --format json --trust "$INV/root.pem" --cache-dir "$WORK/cache-json" \
  "$INV/leaves" "$INV/intermediates" >"$WORK/sweep.json" 2>"$WORK/sweep.err" || true
python3 - "$WORK/sweep.json" "$INV/planted.json" <<'EOF' || status=1
import json, sys

def rel(place):  # "DIR/leaves/leaf-00002.pem #2 (line 30)" -> "leaves/leaf-00002.pem"
    return "/".join(place.split(" #")[0].split(" (")[0].split("/")[-2:])

try:
    report = json.load(open(sys.argv[1]))
    planted = json.load(open(sys.argv[2]))
    leaves = {}
    for row in report["certificates"]:
        if row["role"] == "end-entity":
            leaves[rel(row["places"][0])] = row
    unreadable = {rel(i["file"]) for i in report["inputs"] if i["errors"]}
    found = {
        "expired": {f for f, r in leaves.items() if r["expired"]},
        "expiring": {f for f, r in leaves.items() if not r["expired"] and r["days_left"] <= 7},
        "revoked": {f for f, r in leaves.items() if r["revoked"]},
        "broken_chain": {f for f, r in leaves.items() if r["chain"] == "failed"},
        "unreadable": unreadable,
    }
except (KeyError, TypeError, ValueError) as e:
    print(f"planted problems: not checked (sweep JSON not as expected: {e!r})")
    sys.exit(0)
ok = True
parts = []
for kind, files in planted.items():
    want = set(files)
    got = found[kind]
    parts.append(f"{kind} {len(want & got)}/{len(want)}" + (f" (+{len(got - want)} not planted)" if got - want else ""))
    ok = ok and want <= got
print(f"pkiaudit sweep found the planted problems: {', '.join(parts)}; "
      f"{len(leaves)} end-entity certificates, summary {report.get('summary')}")
if not ok:
    print("MISSED planted problems")
    sys.exit(1)
EOF
exit "$status"
