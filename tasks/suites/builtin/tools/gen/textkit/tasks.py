TASKS = [
dict(n=2, difficulty="easy", tags=["off-by-one", "string-handling"],
issue='''
truncate() returns strings longer than the width I ask for

I'm using `textkit.truncate` to fit product names into a fixed-width column (our receipt printer is 24 chars
wide), and the printer keeps wrapping lines. Turns out the result is one character too long whenever the
text actually gets cut:

```python
>>> from textkit import truncate
>>> s = truncate("Organic semi-skimmed milk 2L", 24)
>>> s, len(s)
('Organic semi-skimmed m...', 25)
```

Expected: at most 24 characters including the "...", e.g. `'Organic semi-skimmed...'`.
It also happens with a custom ellipsis (`truncate("abcdefghij", 5, ellipsis="~")` gives 6 chars).
Text that already fits is returned unchanged, which is correct.
''',
bug=[("textkit/wrap.py", "return text[: width - len(ellipsis)].rstrip() + ellipsis",
      "return text[: width - len(ellipsis) + 1].rstrip() + ellipsis")],
hidden={"tests/test_truncate.py": '''
import pytest
from textkit import truncate


def test_fits_unchanged():
    assert truncate("hello", 5) == "hello"


def test_cut_respects_width():
    s = truncate("Organic semi-skimmed milk 2L", 24)
    assert len(s) <= 24
    assert s == "Organic semi-skimmed..."


def test_custom_ellipsis():
    assert truncate("abcdefghij", 5, ellipsis="~") == "abcd~"


def test_tiny_width():
    assert truncate("abcdefghij", 2) == ".."


def test_negative_width():
    with pytest.raises(ValueError):
        truncate("abc", -1)
'''},
f2p=["tests/test_truncate.py::test_cut_respects_width", "tests/test_truncate.py::test_custom_ellipsis"]),

dict(n=3, difficulty="medium", tags=["needs-search", "string-handling"],
issue='''
slugify mangles accented letters instead of transliterating them

The README says slugify produces ASCII slugs and that accents are removed, but accented characters are
being treated as separators:

```python
>>> from textkit import slugify
>>> slugify("Crème Brûlée")
'cr-me-br-l-e'
>>> slugify("São Paulo")
's-o-paulo'
```

Expected `'creme-brulee'` and `'sao-paulo'`. Plain ASCII input is fine, and the special cases like "ß"
still come out as "ss" (`slugify("Straße")` -> `'strasse'`). We generate blog URLs from French and
Portuguese titles so this is quite visible for us. textkit 1.0.0, Python 3.11.
''',
bug=[("textkit/_unicode.py", 'decomposed = unicodedata.normalize("NFKD", text)',
      'decomposed = unicodedata.normalize("NFC", text)')],
hidden={"tests/test_slug_unicode.py": '''
from textkit import slugify
from textkit._unicode import strip_accents


def test_french():
    assert slugify("Crème Brûlée") == "creme-brulee"


def test_portuguese():
    assert slugify("São Paulo") == "sao-paulo"


def test_strip_accents():
    assert strip_accents("Ångström") == "Angstrom"


def test_eszett():
    assert slugify("Straße") == "strasse"


def test_ascii_unchanged():
    assert slugify("Plain ASCII title 2") == "plain-ascii-title-2"


def test_max_length():
    assert slugify("one two three", max_length=8) == "one-two"
'''},
f2p=["tests/test_slug_unicode.py::test_french", "tests/test_slug_unicode.py::test_portuguese",
     "tests/test_slug_unicode.py::test_strip_accents"]),

dict(n=4, difficulty="easy", tags=["operator", "off-by-one"],
issue='''
wrap() breaks lines early when a word would fit exactly

`wrap(text, width)` never fills a line up to the full width. If adding the next word would make the line
exactly `width` characters long, the word is pushed to the next line instead:

```python
>>> from textkit import wrap
>>> wrap("aaaa bbbb cccc", width=9)
['aaaa', 'bbbb', 'cccc']
```

I expected `['aaaa bbbb', 'cccc']` since "aaaa bbbb" is 9 characters. Python's textwrap gives the same
answer I expect. Lines shorter than the width are fine.
''',
bug=[("textkit/wrap.py", "elif len(current) + 1 + len(word) <= width:",
      "elif len(current) + 1 + len(word) < width:")],
hidden={"tests/test_wrap.py": '''
import pytest
from textkit import wrap


def test_exact_fit():
    assert wrap("aaaa bbbb cccc", width=9) == ["aaaa bbbb", "cccc"]


def test_exact_fit_single_line():
    assert wrap("ab cd", width=5) == ["ab cd"]


def test_short():
    assert wrap("a b", width=10) == ["a b"]


def test_long_word_kept_whole():
    assert wrap("supercalifragilistic is long", width=6) == ["supercalifragilistic", "is", "long"]


def test_empty():
    assert wrap("", width=4) == []


def test_bad_width():
    with pytest.raises(ValueError):
        wrap("x", width=0)
'''},
f2p=["tests/test_wrap.py::test_exact_fit", "tests/test_wrap.py::test_exact_fit_single_line"]),

dict(n=5, difficulty="hard", tags=["logic", "string-handling", "long-output"],
issue='''
snake_case / kebab_case glue acronyms to the following word

Converting class names that start with (or contain) an acronym gives wrong results:

```python
>>> from textkit import snake_case, kebab_case, camel_case
>>> snake_case("HTTPServerError")
'httpserver_error'
>>> kebab_case("parseXMLDocument")
'parse-xmldocument'
>>> camel_case("JSONDecoder")
'jsondecoder'
```

Expected `http_server_error`, `parse-xml-document` and `jsonDecoder`: an acronym ends where the
next capitalised word starts (the "S" of "Server"). Simple camelCase like `fooBar` works, and so do
all-caps names like `URL` (should stay one word: `url`). Digits should stay attached to the word before
them (`utf8Decoder` -> `utf8_decoder`). We use this to generate table names from model classes,
so half our tables got weird names.
''',
bug=[("textkit/case.py", '_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")',
      '_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")')],
hidden={"tests/test_case_acronyms.py": '''
import pytest
from textkit import snake_case, kebab_case, camel_case

SNAKE = [
    ("fooBar", "foo_bar"),
    ("FooBar", "foo_bar"),
    ("foo_bar", "foo_bar"),
    ("foo-bar baz", "foo_bar_baz"),
    ("URL", "url"),
    ("utf8Decoder", "utf8_decoder"),
    ("HTTPServerError", "http_server_error"),
    ("parseXMLDocument", "parse_xml_document"),
    ("getHTTPResponseCode", "get_http_response_code"),
    ("IOError", "io_error"),
    ("userID", "user_id"),
    ("ABCDef", "abc_def"),
]


@pytest.mark.parametrize("name,expected", SNAKE, ids=[s for s, _ in SNAKE])
def test_snake(name, expected):
    assert snake_case(name) == expected


def test_kebab_acronym():
    assert kebab_case("parseXMLDocument") == "parse-xml-document"


def test_kebab_simple():
    assert kebab_case("fooBarBaz") == "foo-bar-baz"


def test_camel_acronym():
    assert camel_case("JSONDecoder") == "jsonDecoder"


def test_camel_upper_first():
    assert camel_case("http_server", upper_first=True) == "HttpServer"
'''},
f2p=["tests/test_case_acronyms.py::test_snake[HTTPServerError]", "tests/test_case_acronyms.py::test_snake[parseXMLDocument]",
     "tests/test_case_acronyms.py::test_snake[getHTTPResponseCode]", "tests/test_case_acronyms.py::test_snake[IOError]",
     "tests/test_case_acronyms.py::test_snake[ABCDef]",
     "tests/test_case_acronyms.py::test_kebab_acronym", "tests/test_case_acronyms.py::test_camel_acronym"]),

dict(n=6, difficulty="medium", tags=["logic", "edge-case"],
issue='''
top_words ordering of ties depends on the order words appear in the text

The docstring of `top_words` says ties are broken alphabetically "so the result is stable", but the
order of words with the same count follows the text instead:

```python
>>> from textkit import top_words
>>> top_words("pear apple pear apple fig", n=3)
[('pear', 2), ('apple', 2), ('fig', 1)]
>>> top_words("apple pear apple pear fig", n=3)
[('apple', 2), ('pear', 2), ('fig', 1)]
```

Both should be `[('apple', 2), ('pear', 2), ('fig', 1)]`. This makes our snapshot tests flaky because
the input documents are assembled in a different order each run. Most frequent first is still right.
''',
bug=[("textkit/count.py", "ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))",
      "ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)")],
hidden={"tests/test_top_words.py": '''
from textkit import top_words


def test_ties_alphabetical():
    assert top_words("pear apple pear apple fig", n=3) == [("apple", 2), ("pear", 2), ("fig", 1)]


def test_ties_independent_of_order():
    a = top_words("zeta alpha mu zeta alpha mu", n=3)
    b = top_words("mu alpha zeta mu zeta alpha", n=3)
    assert a == b == [("alpha", 2), ("mu", 2), ("zeta", 2)]


def test_most_frequent_first():
    assert top_words("b a b c b a", n=1) == [("b", 3)]


def test_stopwords():
    assert top_words("the cat and the hat", n=2, stopwords=["the", "and"]) == [("cat", 1), ("hat", 1)]


def test_apostrophes():
    assert top_words("don't 'quote' don't", n=2) == [("don't", 2), ("quote", 1)]
'''},
f2p=["tests/test_top_words.py::test_ties_alphabetical", "tests/test_top_words.py::test_ties_independent_of_order"]),
]
