#!/bin/bash
set -euo pipefail
cat > /app/build.sh <<'SH'
#!/bin/bash
set -euo pipefail
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r /app/tool/src/wordfreq "$stage/"
find "$stage" -name __pycache__ -prune -exec rm -rf {} + -o -name '*.pyc' -exec rm -f {} +
cp /app/tool/VERSION "$stage/wordfreq/VERSION"
mkdir -p /app/dist
python3 -m zipapp "$stage" -m "wordfreq.cli:main" -p "/usr/bin/env python3" -o /app/dist/wordfreq.pyz
chmod +x /app/dist/wordfreq.pyz
SH
chmod +x /app/build.sh
/app/build.sh
