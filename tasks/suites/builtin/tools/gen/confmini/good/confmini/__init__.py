"""confmini: INI-style config with typed values, ${section.key} interpolation and environment overrides."""
from .loader import parse, load, ConfigError
from .config import Config

__all__ = ["parse", "load", "Config", "ConfigError"]
