#!/bin/bash
set -euo pipefail
cd /app/repo
cp config/secrets.env /tmp/secrets.env.keep
export FILTER_BRANCH_SQUELCH_WARNING=1
git filter-branch --force --prune-empty \
  --index-filter 'git rm -q --cached --ignore-unmatch config/secrets.env' \
  --tag-name-filter cat -- --all
git for-each-ref --format='%(refname)' refs/original/ | xargs -r -n1 git update-ref -d
git reflog expire --expire=now --all
git gc -q --prune=now
git checkout -q main
cp /tmp/secrets.env.keep config/secrets.env
echo "config/secrets.env" >> .gitignore
git add .gitignore
GIT_AUTHOR_NAME="Dana Dev" GIT_AUTHOR_EMAIL="dana@example.org" \
GIT_COMMITTER_NAME="Dana Dev" GIT_COMMITTER_EMAIL="dana@example.org" \
  git commit -q -m "Ignore secrets.env"
