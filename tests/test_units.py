from qa.ingest import split_sentences
from qa.units import WINDOW, make_units


def _units(engine, paragraphs, window_tokens=200):
    sentences = [split_sentences(p) for p in paragraphs]
    e = engine.embedder
    return sentences, make_units(sentences, e.token_counts, e.split_by_tokens, window_tokens)


def test_a_short_paragraph_is_one_whole_unit_plus_its_sentences(engine):
    sentences, units = _units(engine, ["One fact here. Another fact there."])
    assert [u.text for u in units if u.sentence == WINDOW] == ["One fact here. Another fact there."]
    assert [u.text for u in units if u.sentence != WINDOW] == sentences[0]


def test_a_long_paragraph_is_covered_by_overlapping_windows_within_the_token_budget(engine):
    long = " ".join(f"Sentence number {i} talks about topic {i} in some detail." for i in range(120))
    sentences, units = _units(engine, [long], window_tokens=100)
    windows = [u.text for u in units if u.sentence == WINDOW]
    assert len(windows) > 5
    assert all(n <= 100 for n in engine.embedder.token_counts(windows))
    for sentence in sentences[0]:  # every sentence is inside some window: nothing is invisible
        assert any(sentence in w for w in windows)
    assert all(u.paragraph == 0 for u in units)


def test_a_sentence_longer_than_the_window_is_cut_into_pieces_that_keep_all_its_words(engine):
    giant = " ".join(f"word{i}" for i in range(400)) + "."
    _, units = _units(engine, [giant], window_tokens=64)
    pieces = [u.text for u in units if u.sentence == 0]
    assert len(pieces) > 1
    assert all(n <= 64 for n in engine.embedder.token_counts(pieces))
    assert " ".join(pieces).split() == giant.split()
