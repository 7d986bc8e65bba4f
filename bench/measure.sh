# Sourced by the bench/*.sh scripts: run a whole process under
# /usr/bin/time -v and print wall time, rate and peak RSS on one line.
#
#   WORK=DIR COUNT=N UNIT=certs measure "name" command args...

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || true
  local wall rss secs
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time")
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf '%-66s %8.2f s %10.0f %s/s %8d KiB peak RSS\n' "$name" "$secs" \
    "$(awk -v n="$COUNT" -v s="$secs" 'BEGIN { print (s > 0 ? n / s : 0) }')" "${UNIT:-certs}" "$rss"
}
