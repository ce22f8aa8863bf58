#!/bin/bash
set -euo pipefail
cd /app
python3 - <<'PY'
import hashlib, os, shutil

inbox, out = "/app/inbox", "/app/sorted"
names = sorted((n for n in os.listdir(inbox) if not n.startswith(".")), key=lambda n: n.encode())
first_by_digest, dups = {}, []
os.makedirs(out, exist_ok=True)
for name in names:
    path = os.path.join(inbox, name)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if digest in first_by_digest:
        dups.append(f"{name}\t{first_by_digest[digest]}")
        os.remove(path)
        continue
    first_by_digest[digest] = name
    ext = name.rsplit(".", 1)[1].lower() if "." in name else "other"
    os.makedirs(os.path.join(out, ext), exist_ok=True)
    shutil.move(path, os.path.join(out, ext, name))
with open(os.path.join(out, "duplicates.txt"), "w") as f:
    for line in sorted(dups, key=lambda s: s.encode()):
        f.write(line + "\n")
PY
