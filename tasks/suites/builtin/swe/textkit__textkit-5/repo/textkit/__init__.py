"""textkit: small, dependency-free text utilities."""
from .slug import slugify
from .wrap import wrap, truncate
from .case import snake_case, camel_case, kebab_case
from .count import word_count, top_words

__all__ = ["slugify", "wrap", "truncate", "snake_case", "camel_case", "kebab_case", "word_count", "top_words"]
__version__ = "1.0.0"
