import socket
import subprocess
import sys
import time

import pytest

PORT = 47311


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen([sys.executable, "/app/kvserver.py", str(PORT)],
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


class Client:
    def __init__(self):
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        self.file = self.sock.makefile("rwb")

    def cmd(self, line):
        self.file.write((line + "\n").encode())
        self.file.flush()
        reply = self.file.readline()
        assert reply.endswith(b"\n"), f"no full reply line to {line!r}: {reply!r}"
        return reply[:-1].decode()

    def close(self):
        self.sock.close()


def test_set_get(server):
    c = Client()
    assert c.cmd("SET color blue") == "OK"
    assert c.cmd("GET color") == "blue"
    assert c.cmd("GET missing") == "NIL"
    c.close()


def test_value_with_spaces_and_case(server):
    c = Client()
    assert c.cmd("set Greeting hello big world") == "OK"
    assert c.cmd("GET Greeting") == "hello big world"
    assert c.cmd("GET greeting") == "NIL"
    c.close()


def test_del(server):
    c = Client()
    c.cmd("SET tmp 1")
    assert c.cmd("DEL tmp") == "1"
    assert c.cmd("DEL tmp") == "0"
    c.close()


def test_incr(server):
    c = Client()
    assert c.cmd("INCR hits") == "1"
    assert c.cmd("incr hits") == "2"
    c.cmd("SET word abc")
    assert c.cmd("INCR word") == "ERR not an integer"
    c.close()


def test_keys_sorted(server):
    c = Client()
    for k in ["zeta", "alpha", "mid"]:
        c.cmd(f"SET k_{k} v")
    keys = c.cmd("KEYS").split(" ")
    assert keys == sorted(keys)
    assert {"k_alpha", "k_mid", "k_zeta"} <= set(keys)
    c.close()


def test_errors(server):
    c = Client()
    assert c.cmd("FLY away") == "ERR unknown command"
    assert c.cmd("GET") == "ERR unknown command"
    c.close()


def test_shared_between_clients(server):
    a, b = Client(), Client()
    assert a.cmd("SET shared 42") == "OK"
    assert b.cmd("GET shared") == "42"
    assert b.cmd("INCR shared") == "43"
    assert a.cmd("GET shared") == "43"
    a.close()
    b.close()


def test_quit(server):
    c = Client()
    assert c.cmd("QUIT") == "BYE"
    assert c.file.readline() == b""
    c.close()
    assert server.poll() is None
