import argparse
import sys

from . import version
from .counting import count_words, top


def main(argv=None):
    p = argparse.ArgumentParser(prog="wordfreq")
    p.add_argument("files", nargs="*", help="text files (default: stdin)")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--version", action="store_true")
    args = p.parse_args(argv)
    if args.version:
        print(f"wordfreq {version()}")
        return 0
    text = "".join(open(f, encoding="utf-8").read() for f in args.files) if args.files else sys.stdin.read()
    for word, n in top(count_words(text), args.top):
        print(f"{n}\t{word}")
    return 0
