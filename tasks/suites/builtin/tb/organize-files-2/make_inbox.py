"""Creates /app/inbox (run once at image build time)."""
import os

FILES = {
    "report.PDF": b"%PDF-1.4 quarterly report\n",
    "report-copy.pdf": b"%PDF-1.4 quarterly report\n",
    "photo.JPG": b"\xff\xd8\xff\xe0 beach photo",
    "photo (1).jpg": b"\xff\xd8\xff\xe0 beach photo",
    "IMG_2041.jpg": b"\xff\xd8\xff\xe0 mountain photo",
    "Meeting notes.txt": b"agenda: budget, hiring\n",
    "todo.txt": b"- buy milk\n",
    "notes-final.TXT": b"agenda: budget, hiring\n",
    "backup.tar.gz": b"\x1f\x8b fake tarball",
    "Makefile": b"all:\n\techo hi\n",
    "LICENSE": b"MIT License\n",
    "data.csv": b"a,b\n1,2\n",
    "data (2).csv": b"a,b\n1,2\n",
    "data-2024.csv": b"a,b\n3,4\n",
    "script.sh": b"#!/bin/sh\necho hi\n",
    ".hidden-config": b"secret=1\n",
    ".DS_Store": b"junk",
}

os.makedirs("/app/inbox", exist_ok=True)
for name, data in FILES.items():
    with open(os.path.join("/app/inbox", name), "wb") as f:
        f.write(data)
