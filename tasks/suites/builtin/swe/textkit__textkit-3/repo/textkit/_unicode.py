"""Unicode helpers shared by the other modules."""
import unicodedata

_REPLACEMENTS = {
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "ø": "o",
    "Ø": "O",
    "œ": "oe",
    "Œ": "OE",
    "ł": "l",
    "Ł": "L",
}


def strip_accents(text):
    """Return text with accents removed: 'Crème Brûlée' -> 'Creme Brulee'."""
    for src, dst in _REPLACEMENTS.items():
        text = text.replace(src, dst)
    decomposed = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_word_char(ch):
    return ch.isalnum() or ch == "_"
