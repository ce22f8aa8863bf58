"""Identifier case conversion."""
import re

# Split points: lower->Upper ("fooBar"), ACRONYM->Word ("HTTPServer"), letter<->digit is kept together.
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_\-\.]+")


def _words(name):
    words = []
    for chunk in _SEPARATORS.split(name.strip()):
        if chunk:
            words.extend(w for w in _BOUNDARY.split(chunk) if w)
    return words


def snake_case(name):
    """'HTTPServerError' -> 'http_server_error', 'fooBar baz' -> 'foo_bar_baz'."""
    return "_".join(w.lower() for w in _words(name))


def kebab_case(name):
    return "-".join(w.lower() for w in _words(name))


def camel_case(name, upper_first=False):
    """'foo_bar_baz' -> 'fooBarBaz' (or 'FooBarBaz' with upper_first=True)."""
    words = [w.lower() for w in _words(name)]
    if not words:
        return ""
    head = words[0].capitalize() if upper_first else words[0]
    return head + "".join(w.capitalize() for w in words[1:])
