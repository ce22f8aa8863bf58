"""One gitignore line compiled to a regular expression.

Rules implemented (a subset of gitignore(5)):
  - blank lines and lines starting with '#' are ignored; '\\#' and '\\!' escape a leading '#' / '!'
  - '!' negates: a matching path is re-included
  - a trailing '/' makes the pattern match directories only
  - a pattern containing a '/' (other than a trailing one) is anchored to the root; a leading '/' just anchors
  - otherwise the pattern matches a name at any depth
  - '*' matches anything except '/', '?' one character except '/', '[abc]' a class,
    '**/' any number of leading directories, '/**' everything inside
"""
import re


def _translate(glob):
    out = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == n:
            out.append("/.*")
            i += 3
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = glob.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = glob[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class Pattern:
    __slots__ = ("source", "negated", "dir_only", "anchored", "regex")

    def __init__(self, line):
        self.source = line
        text = line.rstrip("\n")
        if not text.endswith("\\ "):
            text = text.rstrip()
        self.negated = text.startswith("!")
        if self.negated:
            text = text[1:]
        if text.startswith("\\#") or text.startswith("\\!"):
            text = text[1:]
        self.dir_only = text.endswith("/")
        if self.dir_only:
            text = text.rstrip("/")
        self.anchored = "/" in text
        text = text.lstrip("/")
        body = _translate(text)
        prefix = "" if self.anchored else "(?:.*/)?"
        self.regex = re.compile("^" + prefix + body + "$")

    @staticmethod
    def is_rule(line):
        s = line.strip()
        return bool(s) and not s.startswith("#")

    def matches(self, path, is_dir=False):
        """Does this pattern match path itself (not its parents)? path uses '/' and is relative."""
        if self.dir_only and not is_dir:
            return False
        return self.regex.match(path) is not None

    def __repr__(self):
        return f"Pattern({self.source!r})"
