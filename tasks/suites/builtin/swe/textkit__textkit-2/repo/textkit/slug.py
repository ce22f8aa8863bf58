"""URL slugs."""
import re

from ._unicode import strip_accents

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text, sep="-", max_length=None):
    """Turn arbitrary text into a lowercase ASCII slug.

    >>> slugify("Hello, World!")
    'hello-world'
    """
    text = strip_accents(text).lower()
    slug = _NON_WORD.sub(sep, text).strip(sep)
    if max_length is not None and len(slug) > max_length:
        slug = slug[:max_length].rstrip(sep)
    return slug
