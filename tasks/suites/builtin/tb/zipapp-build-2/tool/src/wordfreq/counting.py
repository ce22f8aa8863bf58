import re
from collections import Counter

WORD = re.compile(r"[a-z']+")


def count_words(text):
    return Counter(w.strip("'") for w in WORD.findall(text.lower()) if w.strip("'"))


def top(counter, n):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
