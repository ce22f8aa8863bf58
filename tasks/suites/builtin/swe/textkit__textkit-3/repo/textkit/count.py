"""Word statistics."""
import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z0-9']+")


def words(text):
    """Lowercased words; apostrophes inside words are kept ("don't"), quotes around words are not."""
    out = []
    for match in _WORD.findall(text):
        w = match.strip("'").lower()
        if w:
            out.append(w)
    return out


def word_count(text):
    return len(words(text))


def top_words(text, n=10, stopwords=()):
    """The n most frequent words as (word, count) pairs, most frequent first; ties are broken
    alphabetically so the result is stable."""
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for w in words(text) if w not in stop)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:n]
