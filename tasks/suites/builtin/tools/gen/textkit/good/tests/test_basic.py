from textkit import slugify, wrap, truncate, snake_case, camel_case, word_count, top_words


def test_slugify_simple():
    assert slugify("Hello, World!") == "hello-world"


def test_slugify_separator():
    assert slugify("a b c", sep="_") == "a_b_c"


def test_wrap_short_text():
    assert wrap("one two", width=20) == ["one two"]


def test_wrap_breaks():
    assert wrap("aaa bbb ccc", width=5) == ["aaa", "bbb", "ccc"]


def test_truncate_noop():
    assert truncate("short", 10) == "short"


def test_snake_case_camel():
    assert snake_case("fooBar") == "foo_bar"


def test_camel_case():
    assert camel_case("foo_bar_baz") == "fooBarBaz"


def test_word_count():
    assert word_count("The cat sat on the mat.") == 6


def test_top_words_basic():
    assert top_words("a a a b b c", n=2) == [("a", 3), ("b", 2)]
