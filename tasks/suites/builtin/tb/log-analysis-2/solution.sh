#!/bin/bash
set -euo pipefail
cd /app
python3 - <<'PY'
import collections, gzip, json, re

pat = re.compile(r'^(\S+) \S+ \S+ \[[^\]]+\] "\S+ (\S+) [^"]*" (\d{3}) (\d+|-)')
lines = gzip.open("logs/access.log.1.gz", "rt").read().splitlines()
lines += open("logs/access.log").read().splitlines()
ips, paths, status = collections.Counter(), collections.Counter(), collections.Counter()
total_bytes = 0
for line in lines:
    m = pat.match(line)
    if not m:
        continue
    ips[m[1]] += 1
    paths[m[2]] += 1
    status[m[3]] += 1
    total_bytes += 0 if m[4] == "-" else int(m[4])
n = sum(status.values())
errors = sum(v for k, v in status.items() if k.startswith("5"))
json.dump({
    "total_requests": n,
    "unique_ips": len(ips),
    "top_ip": ips.most_common(1)[0][0],
    "top_path": paths.most_common(1)[0][0],
    "status_counts": dict(status),
    "server_error_rate": round(errors / n, 3),
    "total_bytes": total_bytes,
}, open("answers.json", "w"), indent=2)
PY
