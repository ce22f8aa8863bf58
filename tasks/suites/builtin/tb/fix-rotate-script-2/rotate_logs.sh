#!/bin/bash
# rotate_logs.sh DIR [KEEP]
#
# Rotates every non-empty "*.log" file directly inside DIR (file names may contain spaces):
#   NAME.log.(KEEP).gz is deleted, then NAME.log.N.gz is renamed to NAME.log.(N+1).gz for
#   N = KEEP-1 down to 1, then NAME.log is compressed into NAME.log.1.gz and NAME.log is left in
#   place as an empty file (same path, so writers holding it open keep working).
# Empty .log files are left alone. KEEP defaults to 3: at most 3 compressed generations remain.
# Prints "rotated NAME.log" for each rotated file, in name order. Exits 2 if DIR is not a directory.
set -u

dir=$1
keep=${2:-3}

if [ ! -d $dir ]; then
  echo "not a directory: $dir" >&2
  exit 2
fi

for log in $(ls $dir/*.log 2>/dev/null); do
  [ -s "$log" ] || continue
  rm -f "$log.$keep.gz"
  for n in $(seq 1 $keep); do
    if [ -f "$log.$n.gz" ]; then
      mv "$log.$n.gz" "$log.$((n + 1)).gz"
    fi
  done
  gzip -c "$log" > "$log.1.gz"
  rm "$log"
  echo "rotated $(basename "$log")"
done
