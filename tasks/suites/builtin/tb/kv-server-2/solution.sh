#!/bin/bash
set -euo pipefail
cat > /app/kvserver.py <<'PY'
import socketserver
import sys
import threading

STORE = {}
LOCK = threading.Lock()


def handle(line):
    parts = line.split(" ", 2)
    cmd = parts[0].upper()
    with LOCK:
        if cmd == "SET" and len(parts) == 3:
            STORE[parts[1]] = parts[2]
            return "OK"
        if cmd == "GET" and len(parts) == 2:
            return STORE.get(parts[1], "NIL")
        if cmd == "DEL" and len(parts) == 2:
            return "1" if STORE.pop(parts[1], None) is not None else "0"
        if cmd == "INCR" and len(parts) == 2:
            try:
                value = int(STORE.get(parts[1], "0")) + 1
            except ValueError:
                return "ERR not an integer"
            STORE[parts[1]] = str(value)
            return str(value)
        if cmd == "KEYS" and len(parts) == 1:
            return " ".join(sorted(STORE))
    return "ERR unknown command"


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for raw in self.rfile:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.strip().upper() == "QUIT":
                self.wfile.write(b"BYE\n")
                return
            self.wfile.write((handle(line) + "\n").encode("utf-8"))


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    with Server(("127.0.0.1", int(sys.argv[1])), Handler) as srv:
        srv.serve_forever()
PY
