"""Reading CSV text into rows (dicts keyed by the header)."""


def split_fields(line, sep=","):
    """Split one line on `sep`, honouring double quotes ("" inside quotes is a literal quote)."""
    fields = []
    cur = []
    quoted = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            if quoted and i + 1 < len(line) and line[i + 1] == '"':
                cur.append('"')
                i += 2
                continue
            quoted = not quoted
        elif ch == sep and not quoted:
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    fields.append("".join(cur))
    return fields


def coerce(text):
    """'' -> None, true/false -> bool, then int, then float, else the stripped text."""
    t = text.strip()
    if t == "":
        return None
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t


def read_table(text, sep=","):
    """Rows of a CSV text as dicts; blank lines are skipped, missing trailing cells are None."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    header = [h.strip() for h in split_fields(lines[0], sep)]
    rows = []
    for line in lines[1:]:
        values = [coerce(v) for v in split_fields(line, sep)]
        values += [None] * (len(header) - len(values))
        rows.append(dict(zip(header, values)))
    return rows
