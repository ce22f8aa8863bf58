import os
from pathlib import Path

SORTED = Path("/app/sorted")
INBOX = Path("/app/inbox")

EXPECTED = {
    "csv/data (2).csv": b"a,b\n1,2\n",
    "csv/data-2024.csv": b"a,b\n3,4\n",
    "gz/backup.tar.gz": b"\x1f\x8b fake tarball",
    "jpg/IMG_2041.jpg": b"\xff\xd8\xff\xe0 mountain photo",
    "jpg/photo (1).jpg": b"\xff\xd8\xff\xe0 beach photo",
    "other/LICENSE": b"MIT License\n",
    "other/Makefile": b"all:\n\techo hi\n",
    "pdf/report-copy.pdf": b"%PDF-1.4 quarterly report\n",
    "sh/script.sh": b"#!/bin/sh\necho hi\n",
    "txt/Meeting notes.txt": b"agenda: budget, hiring\n",
    "txt/todo.txt": b"- buy milk\n",
}


def files_under(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


def test_sorted_layout_and_contents():
    got = files_under(SORTED)
    got.pop("duplicates.txt", None)
    assert got == EXPECTED


def test_duplicates_file():
    assert (SORTED / "duplicates.txt").read_text() == (
        "data.csv\tdata (2).csv\n"
        "notes-final.TXT\tMeeting notes.txt\n"
        "photo.JPG\tphoto (1).jpg\n"
        "report.PDF\treport-copy.pdf\n"
    )


def test_inbox_only_hidden_left():
    assert sorted(os.listdir(INBOX)) == [".DS_Store", ".hidden-config"]
    assert (INBOX / ".hidden-config").read_bytes() == b"secret=1\n"
