"""${key} (same section), ${section.key} and $$ (a literal dollar) references."""
import re

_REF = re.compile(r"\$\$|\$\{([^}]+)\}")


class InterpolationError(KeyError):
    pass


def interpolate(data, section, value, _seen=()):
    """Expand references in value, recursively; raise InterpolationError on unknown keys or cycles."""

    def repl(m):
        if m.group(0) == "$$":
            return "$"
        ref = m.group(1).strip().lower()
        if "." in ref:
            sec, key = ref.split(".", 1)
        else:
            sec, key = section, ref
        if (sec, key) in _seen:
            raise InterpolationError(f"reference cycle: {' -> '.join(s + '.' + k for s, k in _seen)} -> {sec}.{key}")
        raw = data.get(sec, {}).get(key)
        if raw is None:
            raw = data.get("default", {}).get(key)
        if raw is None:
            raise InterpolationError(f"unknown reference ${{{m.group(1)}}}")
        return interpolate(data, sec, raw, _seen + ((sec, key),))

    return _REF.sub(repl, value)
