#!/bin/bash
set -euo pipefail
cd /app/project
: > /tmp/changed
find . -path ./vendor -prune -o -type f -name '*.py' -print | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
  cp "$f" /tmp/before
  sed -i -e 's/\r$//' -e 's/[ \t]*$//' "$f"
  # expand leading tabs only
  while grep -qP '^( *)\t' "$f"; do sed -i -E 's/^( *)\t/\1    /' "$f"; done
  # exactly one trailing newline (empty files stay empty)
  if [ -s "$f" ]; then
    python3 -c 'import sys; p=sys.argv[1]; s=open(p).read().rstrip("\n"); open(p,"w").write(s+"\n" if s else "")' "$f"
  fi
  cmp -s "$f" /tmp/before || echo "$f" >> /tmp/changed
done
LC_ALL=C sort /tmp/changed > /app/changed.txt
