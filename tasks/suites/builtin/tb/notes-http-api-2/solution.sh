#!/bin/bash
set -euo pipefail
cat > /app/notes_api.py <<'PY'
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOTES = {}
NEXT_ID = [1]
LOCK = threading.Lock()
NOTE_PATH = re.compile(r"^/notes/(\d+)$")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, code, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(code)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _path(self):
        return self.path.split("?", 1)[0]

    def do_GET(self):
        path = self._path()
        if path == "/health":
            return self._send(200, {"status": "ok"})
        if path == "/notes":
            with LOCK:
                return self._send(200, [NOTES[k] for k in sorted(NOTES)])
        m = NOTE_PATH.match(path)
        if m:
            with LOCK:
                note = NOTES.get(int(m.group(1)))
            return self._send(200, note) if note else self._send(404, {"error": "not found"})
        self._send(404, {"error": "not found"})

    def do_POST(self):
        if self._path() != "/notes":
            return self._send(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return self._send(400, {"error": "invalid JSON"})
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) or not body["text"]:
            return self._send(400, {"error": "text must be a non-empty string"})
        with LOCK:
            note = {"id": NEXT_ID[0], "text": body["text"]}
            NOTES[note["id"]] = note
            NEXT_ID[0] += 1
        self._send(201, note)

    def do_DELETE(self):
        m = NOTE_PATH.match(self._path())
        if not m:
            return self._send(404, {"error": "not found"})
        with LOCK:
            note = NOTES.pop(int(m.group(1)), None)
        self._send(204) if note else self._send(404, {"error": "not found"})


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
