import http.client
import json
import socket
import subprocess
import sys
import time

import pytest

PORT = 47312


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen([sys.executable, "/app/notes_api.py", str(PORT)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("server exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("server did not start listening")
    yield proc
    proc.kill()
    proc.wait()


def call(method, path, body=None, raw=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    ctype = resp.getheader("Content-Type", "")
    conn.close()
    return resp.status, ctype, (json.loads(payload) if payload else None)


def test_health(server):
    status, ctype, body = call("GET", "/health")
    assert (status, body) == (200, {"status": "ok"})
    assert ctype.startswith("application/json")


def test_crud_flow(server):
    assert call("GET", "/notes")[2] == []
    s, ctype, n1 = call("POST", "/notes", {"text": "buy milk"})
    assert s == 201 and n1 == {"id": 1, "text": "buy milk"} and ctype.startswith("application/json")
    s, _, n2 = call("POST", "/notes", {"text": "call mom"})
    assert s == 201 and n2["id"] == 2
    assert call("GET", "/notes/2")[::2] == (200, {"id": 2, "text": "call mom"})
    assert call("GET", "/notes?sort=asc")[2] == [n1, n2]
    s, _, body = call("DELETE", "/notes/1")
    assert s == 204 and body is None
    assert call("GET", "/notes/1")[::2] == (404, {"error": "not found"})
    assert call("GET", "/notes")[2] == [n2]
    s, _, n3 = call("POST", "/notes", {"text": "third"})
    assert n3["id"] == 3


def test_bad_posts(server):
    for raw in [b"{not json", b"[1, 2]", b'{"text": ""}', b'{"text": 5}', b'{"title": "x"}']:
        s, ctype, body = call("POST", "/notes", raw=raw)
        assert s == 400, raw
        assert isinstance(body, dict) and "error" in body and ctype.startswith("application/json")


def test_unknown(server):
    assert call("GET", "/nope")[::2] == (404, {"error": "not found"})
    assert call("DELETE", "/notes/999")[0] == 404
    assert call("GET", "/notes/abc")[0] == 404
