"""Evaluate a list of patterns against paths, like git does."""
from .pattern import Pattern


def _normalize(path):
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


class IgnoreMatcher:
    def __init__(self, lines):
        if isinstance(lines, str):
            lines = lines.splitlines()
        self.patterns = [Pattern(l) for l in lines if Pattern.is_rule(l)]

    def _decide(self, path, is_dir):
        """The last matching pattern wins; None when no pattern matches."""
        result = None
        for p in self.patterns:
            if p.matches(path, is_dir):
                result = not p.negated
        return result

    def is_ignored(self, path, is_dir=False):
        """A path is ignored if it matches, or if one of its parent directories is ignored
        (git cannot re-include a file inside an excluded directory)."""
        path = _normalize(path)
        parts = path.split("/")
        for i in range(1, len(parts)):
            if self._decide("/".join(parts[:i]), True):
                return True
        return bool(self._decide(path, is_dir))

    def filter(self, paths):
        """Paths (files) that are not ignored, in their original order."""
        return [p for p in paths if not self.is_ignored(p)]
