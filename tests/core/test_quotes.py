"""Quote location: tolerant of typography and whitespace, exact in what it returns."""

from __future__ import annotations

import pytest

from bot.core.quotes import FoldedSource, QuoteAmbiguousError, QuoteError, QuoteNotFoundError, locate

SOURCE = "He said: \u201cWe\u2019re ready \u2014 now.\u201d\n\nThen   he  left. He said: no."


def test_straight_quotes_find_the_curly_span() -> None:
    span = locate(FoldedSource(SOURCE), '"We\'re ready - now."')
    assert span.text == "\u201cWe\u2019re ready \u2014 now.\u201d"
    assert SOURCE[span.start : span.end] == span.text


def test_dash_variants_are_folded() -> None:
    for dash in ("-", "\u2013", "\u2014", "\u2212"):
        span = locate(FoldedSource(SOURCE), f"ready {dash} now")
        assert span.text == "ready \u2014 now"


def test_runs_of_whitespace_and_line_breaks_match_a_single_space() -> None:
    span = locate(FoldedSource(SOURCE), "now.\u201d Then he left.")
    assert span.text == "now.\u201d\n\nThen   he  left."
    assert SOURCE[span.start : span.end] == span.text


def test_surrounding_whitespace_of_the_quote_is_ignored() -> None:
    assert locate(FoldedSource(SOURCE), "  Then he left.\n").text == "Then   he  left."


def test_missing_quote_names_the_closest_passage() -> None:
    with pytest.raises(QuoteNotFoundError) as caught:
        locate(FoldedSource(SOURCE), "Then he stayed.")
    error = caught.value
    assert error.closest is not None
    assert "Then" in error.closest.text
    assert error.closest.text in SOURCE
    assert "closest passage" in str(error)


def test_quote_that_appears_twice_is_ambiguous_unless_an_occurrence_is_given() -> None:
    source = FoldedSource(SOURCE)
    with pytest.raises(QuoteAmbiguousError) as caught:
        locate(source, "He said:")
    assert [span.start for span in caught.value.spans] == [0, SOURCE.rindex("He said:")]
    second = locate(source, "He said:", occurrence=2)
    assert second.start == SOURCE.rindex("He said:")
    with pytest.raises(QuoteError):
        locate(source, "He said:", occurrence=3)


def test_case_is_not_folded() -> None:
    with pytest.raises(QuoteNotFoundError):
        locate(FoldedSource(SOURCE), "then he left.")


def test_every_curated_quote_is_verbatim_at_its_offsets(article_text: str) -> None:
    from bot.core.engine import Engine
    from tests.conftest import data_dirs

    engine = Engine.from_data(*data_dirs())
    for fact in engine.facts.values():
        for citation in fact.citations:
            assert article_text[citation.start : citation.end] == citation.quote, fact.id


def test_closest_passage_keeps_to_one_paragraph(article_text: str) -> None:
    closest, _ = FoldedSource(article_text).closest("this is serious stuff. John T. Seward is a reporter")
    assert closest is not None
    assert "\n\n" not in closest.text
    assert article_text[closest.start : closest.end] == closest.text
