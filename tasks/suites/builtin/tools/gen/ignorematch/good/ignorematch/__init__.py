"""ignorematch: decide whether paths are ignored by gitignore-style rules."""
from .pattern import Pattern
from .matcher import IgnoreMatcher

__all__ = ["Pattern", "IgnoreMatcher"]
