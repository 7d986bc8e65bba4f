#!/usr/bin/env bash
# Sweep throughput and memory by inventory size and signature algorithm,
# revocation off, beside the openssl runs scripts use today, same run:
#
#   bench/scale.sh [SIZES] [KEYS]      (default "2000 10000 50000" "p256 rsa")
#   bench/scale.sh 1000000 p256        (the 1M-leaf run: ~3 GB of files)
#   BEFORE=/path/to/old/pkiaudit bench/scale.sh ...   (an older build too)
#
# For each size and key type, examples/gen_sweep_inventory.rs writes N
# leaves (each file: leaf + its intermediate, 20 intermediates, one root;
# GEN_KEY=rsa makes every signature RSA-2048), then:
#
# - `pkiaudit sweep --revocation off --format json` twice: the first run
#   right after the files were written ("cold" for pkiaudit: nothing of it
#   is cached; the files are in the page cache either way, and dropped
#   first when /proc/sys/vm/drop_caches is writable, which is said), the
#   second right after ("warm");
# - `pkiaudit sweep ... --format prometheus --output F` (streams its output);
# - `pkiaudit sweep ... --jobs 1`: the rate per core;
# - with BEFORE set, the same JSON sweep by that build, after and before
#   this one's warm run (so neither gets the other's page cache);
# - `openssl verify -CAfile root -untrusted ica F`, one process per
#   certificate, on the first 500 leaves (what expiry scripts run);
# - `openssl verify` over the leaves of one intermediate per process, on
#   the first 2,000 leaves (its time grows faster than the number of
#   files it is given: 10,000 leaves took 25 times as long as 2,000;
#   batched, chain only).
#
# Prints one table row per command: wall, certificates/s (for the whole
# inventory or the sample), peak RSS, and the sweep's peak RSS per leaf.
# Needs openssl and /usr/bin/time. Exits 1 if a sweep misses a planted
# problem count (10 expired, 10 expiring per 10,000 leaves).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${1:-"2000 10000 50000"}
KEYS=${2:-"p256 rsa"}
SAMPLE=500
AT=2026-06-01
AT_UNIX=1780272000

cargo build --release --quiet --example gen_sweep_inventory --bin pkiaudit
BIN=$PWD/target/release/pkiaudit
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

drop_caches() {
  sync
  if [[ -w /proc/sys/vm/drop_caches ]] && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
    echo "page cache dropped"
  else
    echo "page cache not dropped (no permission): cold = pkiaudit's first run"
  fi
}

# measure LABEL N CMD...: one row.
measure() {
  local label=$1 n=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || true
  read -r wall rss < <(tail -n 1 "$WORK/time")
  awk -v l="$label" -v n="$n" -v w="$wall" -v r="$rss" 'BEGIN {
    rate = (w > 0) ? n / w : 0
    printf "| %s | %.2f s | %.0f | %.1f MiB | %.0f B |\n", l, w, rate, r / 1024, r * 1024 / n
  }'
}

printf '| run | wall | certificates/s | peak RSS | peak RSS per leaf |\n|---|---|---|---|---|\n'
for n in $SIZES; do
  for key in $KEYS; do
    inv=$WORK/inv-$key-$n
    GEN_KEY=$key target/release/examples/gen_sweep_inventory "$inv" "$n" 20 0 http://127.0.0.1:9 >/dev/null
    rm -f "$inv"/leaves/broken-*.pem
    # A directory is read up to 100,000 files (MAX_FILES_PER_DIRECTORY);
    # past that, the leaves are named by ten patterns (ten targets).
    leaves=("$inv/leaves")
    if ((n > 100000)); then
      leaves=("$inv/leaves/leaf-?????.pem")
      for d in 1 2 3 4 5 6 7 8 9; do leaves+=("$inv/leaves/leaf-$d?????.pem"); done
    fi
    echo "<!-- $key $n: $(drop_caches) -->"
    measure "$key $n: sweep --format json (cold)" "$n" \
      "$BIN" sweep --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
    cp "$WORK/out" "$WORK/sweep.json"
    measure "$key $n: sweep --format json (warm)" "$n" \
      "$BIN" sweep --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
    measure "$key $n: sweep --format prometheus --output F" "$n" \
      "$BIN" sweep --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format prometheus \
      --output "$WORK/metrics.prom" "${leaves[@]}"
    if ((n <= 50000)); then
      measure "$key $n: sweep --format json --jobs 1 (one core)" "$n" \
        "$BIN" sweep --jobs 1 --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
    fi
    if [[ -n ${BEFORE:-} ]]; then
      measure "$key $n: BEFORE sweep --format json" "$n" \
        "$BEFORE" sweep --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
      measure "$key $n: sweep --format json (again)" "$n" \
        "$BIN" sweep --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
      if ((n <= 50000)); then
        measure "$key $n: BEFORE sweep --format json --jobs 1" "$n" \
          "$BEFORE" sweep --jobs 1 --revocation off --offline --at "$AT" --trust "$inv/root.pem" --format json "${leaves[@]}"
      fi
    fi
    expired=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for c in d["certificates"] if c.get("expired") and c.get("role")=="end-entity"))' "$WORK/sweep.json" 2>/dev/null || echo "?")
    want=$(((n + 999) / 1000))
    if [[ $expired != "$want" ]]; then
      echo "error: $key $n: the sweep found $expired expired leaves, $want planted" >&2
      exit 1
    fi
    # openssl, one process per certificate, on a sample.
    find "$inv/leaves" -name "leaf-*.pem" | sort | sed -n "1,${SAMPLE}p" >"$WORK/sample"
    s=$(wc -l <"$WORK/sample")
    measure "$key $n: openssl verify, one process per certificate (first $s)" "$s" \
      bash -c 'while read -r f; do k=$(( 10#$(basename "$f" .pem | sed "s/leaf-//") % 20 )); openssl verify -attime '"$AT_UNIX"' -CAfile "'"$inv"'/root.pem" -untrusted "'"$inv"'/intermediates/ica-$k.pem" "$f" >/dev/null 2>&1 || true; done <"'"$WORK"'/sample"'
    b=$((n < 2000 ? n : 2000))
    measure "$key $n: openssl verify, one process per intermediate (first $b)" "$b" \
      bash -c 'for k in $(seq 0 19); do find "'"$inv"'/leaves" -name "leaf-*.pem" -print | sort | head -n '"$b"' | awk -v k=$k -F"leaf-" "{ sub(/\\.pem/, \"\", \$2); if (\$2 % 20 == k) print }" | xargs -r openssl verify -attime '"$AT_UNIX"' -CAfile "'"$inv"'/root.pem" -untrusted "'"$inv"'/intermediates/ica-$k.pem" >/dev/null 2>&1 || true; done'
    rm -rf "$inv"
  done
done
