"""The Config object: typed lookups with defaults, interpolation and environment overrides."""
import os

from . import convert
from .interpolate import interpolate
from .loader import parse

_MISSING = object()


class Config:
    """Config(data, env=None, prefix="APP").

    Environment overrides: APP_<SECTION>__<KEY> (double underscore between section and key) replaces
    the value of [section] key; APP_<KEY> replaces a key of the default section.
    """

    def __init__(self, data, env=None, prefix="APP"):
        self._data = {s: dict(kv) for s, kv in data.items()}
        self._apply_env(os.environ if env is None else env, prefix)

    @classmethod
    def from_string(cls, text, **kw):
        return cls(parse(text), **kw)

    def _apply_env(self, env, prefix):
        head = prefix.upper() + "_"
        for name, value in env.items():
            if not name.startswith(head):
                continue
            rest = name[len(head):].lower()
            if "__" in rest:
                section, key = rest.split("__", 1)
                self._set(section, key, value)
            else:
                self._set("default", rest, value)

    def _set(self, section, key, value):
        self._data.setdefault(section, {})[key] = value

    def sections(self):
        return [s for s in self._data if s != "default"]

    def raw(self, section, key, default=_MISSING):
        section, key = section.lower(), key.lower()
        value = self._data.get(section, {}).get(key)
        if value is None:
            value = self._data.get("default", {}).get(key)
        if value is None:
            if default is _MISSING:
                raise KeyError(f"{section}.{key}")
            return default
        return value

    def get(self, section, key, default=_MISSING):
        value = self.raw(section, key, default)
        if value is default and default is not _MISSING:
            return default
        return interpolate(self._data, section.lower(), value)

    def get_int(self, section, key, default=_MISSING):
        value = self.get(section, key, default)
        return value if value is default else convert.to_int(value)

    def get_bool(self, section, key, default=_MISSING):
        value = self.get(section, key, default)
        return value if value is default else convert.to_bool(value)

    def get_list(self, section, key, default=_MISSING):
        value = self.get(section, key, default)
        return value if value is default else convert.to_list(value)
