"""Line wrapping and truncation."""


def wrap(text, width=70):
    """Greedy word wrap. Returns a list of lines, none longer than width unless a single
    word is longer than width (such words are kept whole on their own line)."""
    if width < 1:
        raise ValueError("width must be at least 1")
    lines = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def truncate(text, width, ellipsis="..."):
    """Shorten text to at most width characters, ending with ellipsis when cut."""
    if width < 0:
        raise ValueError("width must be non-negative")
    if len(text) <= width:
        return text
    if width <= len(ellipsis):
        return ellipsis[:width]
    return text[: width - len(ellipsis) + 1].rstrip() + ellipsis
