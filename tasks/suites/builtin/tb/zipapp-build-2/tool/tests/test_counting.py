from wordfreq.counting import count_words, top


def test_top():
    assert top(count_words("b a b"), 1) == [("b", 2)]
