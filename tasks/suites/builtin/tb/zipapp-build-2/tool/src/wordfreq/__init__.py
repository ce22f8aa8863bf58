"""wordfreq: count words in text files."""
from importlib import resources


def version():
    # VERSION is shipped inside the package by the build (see README.md).
    return resources.files(__name__).joinpath("VERSION").read_text().strip()
