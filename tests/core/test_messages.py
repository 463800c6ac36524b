"""How a chat message splits into what it asks."""

from __future__ import annotations

import pytest

from bot.core.messages import asking_sentences, questions_in


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        (
            "who are the intermediaries + what day did ukraine agree",
            ["who are the intermediaries", "what day did ukraine agree"],
        ),
        ("Who wrote this article and who took the photo?", ["Who wrote this article", "who took the photo"]),
        ("what did ushakov say? also did putin end up agreeing", ["what did ushakov say", "did putin end up agreeing"]),
        ("did putin accept it, and what are his conditions?", ["did putin accept it", "what are his conditions"]),
        (
            "on which day did ukraine agree, and on which day did witkoff arrive",
            ["on which day did ukraine agree", "on which day did witkoff arrive"],
        ),
        # A later piece asking nothing narrows the question before it.
        (
            "what did ukraine promise besides the ceasefire? something about minerals i think??",
            ["what did ukraine promise besides the ceasefire? something about minerals i think??"],
        ),
        # One question: a clause before a comma, an aside, Q&A and "also" inside a sentence do not make two.
        ("if not a breather, what does russia want?", ["if not a breather, what does russia want?"]),
        ("where is seward from? lol", ["where is seward from? lol"]),
        ("did ukraine also sign the minerals deal", ["did ukraine also sign the minerals deal"]),
        ("is there a Q&A with Rubio in it", ["is there a Q&A with Rubio in it"]),
    ],
)
def test_the_questions_a_message_asks_are_found_in_order(message: str, questions: list[str]) -> None:
    assert questions_in(message) == questions


@pytest.mark.parametrize(
    ("message", "asking"),
    [
        (
            "In my language we say 'to eat your words'. Did Putin take back what his aide said?",
            "Did Putin take back what his aide said?",
        ),
        # "who" inside a sentence ("an officer who served") does not make it ask.
        (
            "Hi. As an officer who served in Germany, I follow this. Could you state the day Ukraine agreed?",
            "Could you state the day Ukraine agreed?",
        ),
        ("My students asked. tell me who wrote the article", "tell me who wrote the article"),
        # No preamble: the question comes first, or the message is one sentence, or what follows is an aside.
        ("Did Ukraine agree? I read it somewhere.", None),
        ("did ukraine agree to the ceasefire", None),
        ("I read the article. ok?", None),
        ("Nice weather today. Great article.", None),
    ],
)
def test_the_question_after_an_askers_preamble_is_found(message: str, asking: str | None) -> None:
    assert asking_sentences(message) == asking
