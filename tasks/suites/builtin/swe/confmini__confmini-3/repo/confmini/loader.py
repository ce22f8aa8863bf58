"""Parse INI-like text into {section: {key: raw string}}.

    # comment           ; also a comment
    [server]
    host = example.org  # inline comments need whitespace before '#'
    port = 8080

Keys before any section header go to the "default" section. Keys are case-insensitive (lowercased).
"""


class ConfigError(ValueError):
    def __init__(self, message, line=None):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


def _strip_inline_comment(value):
    # A '#' or ';' starts a comment only at the start of the value or after whitespace,
    # so URLs like http://host/#anchor and values like a;b survive.
    for i, ch in enumerate(value):
        if ch in "#;":
            return value[:i].rstrip()
    return value


def parse(text):
    data = {"default": {}}
    section = "default"
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise ConfigError("unterminated section header", lineno)
            section = line[1:-1].strip().lower()
            if not section:
                raise ConfigError("empty section name", lineno)
            data.setdefault(section, {})
            continue
        if "=" not in line:
            raise ConfigError(f"expected 'key = value', got {line!r}", lineno)
        key, value = line.split("=", 1)
        key = key.strip().lower()
        if not key:
            raise ConfigError("empty key", lineno)
        data[section][key] = _strip_inline_comment(value.strip())
    return data


def load(path):
    with open(path, encoding="utf-8") as f:
        return parse(f.read())
