"""verspec: semantic versions (https://semver.org) and npm-style range specifiers."""
from .version import Version, InvalidVersion
from .spec import Spec, InvalidSpec

__all__ = ["Version", "InvalidVersion", "Spec", "InvalidSpec"]
