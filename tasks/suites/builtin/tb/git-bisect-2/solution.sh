#!/bin/bash
set -euo pipefail
cd /app/repo
git config user.name >/dev/null || git config user.name "Solver"
git config user.email >/dev/null || git config user.email "solver@example.org"
first=$(git rev-list --max-parents=0 main)
git bisect start main "$first" >/dev/null
git bisect run ./check.sh > /tmp/bisect.log 2>&1 || true
bad=$(git rev-parse refs/bisect/bad)
git bisect reset -q main >/dev/null 2>&1 || git bisect reset >/dev/null
echo "$bad" > /app/first_bad.txt
git checkout -q -b fix main
git revert --no-edit "$bad" >/dev/null
./check.sh
