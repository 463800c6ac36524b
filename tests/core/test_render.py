"""Answer cards as terminal text."""

from __future__ import annotations

from bot.core.decision import MatchStatus
from bot.core.engine import AskResult, Engine
from bot.core.render import answer_card, card_text, result_json


def test_close_questions_are_introduced_once(curated_engine: Engine) -> None:
    result = curated_engine.ask("where is john seward from")
    assert result.fact is None and result.suggestions
    text = card_text(answer_card(result, curated_engine.sources))
    assert text.count("Close questions") == 1
    assert all(f"\u2022 {suggestion.question}" in text for suggestion in result.suggestions)


def test_an_answer_names_its_related_questions(curated_engine: Engine) -> None:
    result = curated_engine.ask("did russia accept")
    assert result.fact is not None and result.suggestions
    text = card_text(answer_card(result, curated_engine.sources))
    assert "Related questions:" in text and "Close questions" not in text


def test_the_other_question_of_a_message_is_named_in_text_and_json(curated_engine: Engine) -> None:
    result = curated_engine.ask("who took the photo? and who wrote the article?")
    assert result.fact is not None and len(result.also) == 1
    other = result.also[0]
    text = card_text(answer_card(result, curated_engine.sources))
    assert text.index("You also asked") < text.index(f"\u2022 {other.question}")
    assert result_json(result)["also"] == [
        {"fact_id": other.fact_id, "question": other.question, "score": round(other.score, 1)}
    ]
    alone = curated_engine.ask("who took the photo?")
    assert "You also asked" not in card_text(answer_card(alone, curated_engine.sources))
    assert result_json(alone)["also"] == []


def _unclear(engine: Engine) -> AskResult:
    """An answer to a question two facts fit alike ("did you mean"), found rather than hard-coded."""
    for question in ("ceasefire", "the us", "peace", "talks", "did russia accept?"):
        result = engine.ask(question)
        if result.status is MatchStatus.AMBIGUOUS and result.suggestions:
            return result
    raise AssertionError("none of the candidate questions is unclear any more; add one")


def test_the_questions_offered_for_an_unclear_question_are_introduced_once(curated_engine: Engine) -> None:
    result = _unclear(curated_engine)
    text = card_text(answer_card(result, curated_engine.sources))
    assert "Did you mean one of these?" in text and "Close questions" not in text


def test_a_refusal_for_a_name_the_article_never_mentions_introduces_its_close_questions(
    curated_engine: Engine,
) -> None:
    result = curated_engine.ask("did China agree?")
    assert result.off_topic and result.suggestions
    text = card_text(answer_card(result, curated_engine.sources))
    assert "does not mention China" in text and text.count("Close questions:") == 1
