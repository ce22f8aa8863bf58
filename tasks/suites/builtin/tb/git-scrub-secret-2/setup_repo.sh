#!/bin/bash
# Builds /app/repo with a deterministic history (run once at image build time).
set -euo pipefail
export GIT_AUTHOR_NAME="Dana Dev" GIT_AUTHOR_EMAIL="dana@example.org"
export GIT_COMMITTER_NAME="Dana Dev" GIT_COMMITTER_EMAIL="dana@example.org"
n=0
commit() {
  n=$((n + 1))
  export GIT_AUTHOR_DATE="2025-01-0${n}T10:00:00Z" GIT_COMMITTER_DATE="2025-01-0${n}T10:00:00Z"
  git add -A
  git commit -q -m "$1"
}
mkdir -p /app/repo && cd /app/repo
git init -q -b main
printf '# inventory service\n\nSmall service that tracks stock levels.\n' > README.md
printf 'def main():\n    print("inventory v1")\n' > app.py
commit "Initial commit"
mkdir -p config
printf 'PORT=8080\nLOG_LEVEL=info\n' > config/app.env
printf 'API_KEY=sk_live_4f9a7c2e81d3b6a0\nDB_PASSWORD=hunter2-prod\n' > config/secrets.env
commit "Add configuration"
printf 'def main():\n    print("inventory v2")\n\n\nFEATURE_FLAGS = {"bulk_import": True}\n' > app.py
commit "Add feature flag"
git tag v0.1
printf 'API_KEY=sk_live_9b1e0d77c4a25f36\nDB_PASSWORD=hunter2-prod\n' > config/secrets.env
commit "Rotate API key"
printf 'PORT=8080\nLOG_LEVEL=debug\n' > config/app.env
printf '\n## Running\n\n    python3 app.py\n' >> README.md
commit "Document running the service"
git checkout -q -b experiment
printf 'def main():\n    print("inventory v3-experimental")\n' > app.py
printf 'API_KEY=sk_live_0000experimental\nDB_PASSWORD=hunter2-prod\n' > config/secrets.env
commit "Experimental rewrite"
git checkout -q main
