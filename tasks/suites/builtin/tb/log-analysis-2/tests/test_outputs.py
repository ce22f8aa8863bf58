import json
from pathlib import Path

ANSWERS = Path("/app/answers.json")


def load():
    return json.loads(ANSWERS.read_text())


def test_file_is_json_object():
    assert isinstance(load(), dict)


def test_total_requests():
    assert load()["total_requests"] == 400


def test_unique_ips():
    assert load()["unique_ips"] == 22


def test_top_ip():
    assert load()["top_ip"] == "203.0.113.9"


def test_top_path():
    assert load()["top_path"] == "/api/items"


def test_status_counts():
    got = {str(k): v for k, v in load()["status_counts"].items()}
    assert got == {"200": 252, "301": 26, "304": 16, "404": 40, "500": 18, "502": 23, "503": 25}


def test_server_error_rate():
    assert abs(float(load()["server_error_rate"]) - 0.165) < 1e-9


def test_total_bytes():
    assert load()["total_bytes"] == 8950482


def test_logs_untouched():
    assert Path("/app/logs/access.log").is_file() and Path("/app/logs/access.log.1.gz").is_file()
