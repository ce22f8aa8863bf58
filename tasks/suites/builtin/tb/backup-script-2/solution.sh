#!/bin/bash
set -euo pipefail
cat > /app/backup.sh <<'SH'
#!/bin/bash
set -euo pipefail
if [ "$#" -ne 2 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SRC_DIR ARCHIVE" >&2
  exit 2
fi
src=$1
archive=$(realpath -m "$2")
list=$(mktemp)
trap 'rm -f "$list"' EXIT
( cd "$src" && find . \( -type d \( -name .cache -o -name node_modules \) -prune \) -o \
    \( -type f ! -name '*.tmp' -print0 \) ) > "$list"
count=$(tr -cd '\0' < "$list" | wc -c)
( cd "$src" && tar --null -T "$list" --transform 's|^\./||' -czf "$archive" )
echo "archived $count files"
SH
chmod +x /app/backup.sh
