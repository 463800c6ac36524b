"""How a chat message splits into what it asks: the questions in it, and the question after an asker's preamble."""

from __future__ import annotations

import re

__all__ = ["NEXT_QUESTION", "QUESTION_WORDS", "asking_sentences", "questions_in"]

# Where a message holds a second question: a question mark or semicolon, a "+" or "&" between words, or "and" /
# "also" before a question word (perhaps after a preposition: "and on which day").
NEXT_QUESTION = (
    r"[?;]| [+&] |,? \b(?:and|also),? (?=(?:(?:on|in|at|for|from|by|to|with) )?"
    r"(?:what|who|when|where|why|how|which|did|does|do|is|was|are|were|has|have)\b)"
)
_QUESTIONS = re.compile(NEXT_QUESTION, re.IGNORECASE)
# A piece of fewer words ("lol", "pls?") is an aside, not a question.
QUESTION_WORDS = 3
# A piece of a message that asks something: a question word anywhere, or a verb that opens a question or a request.
# A later piece asking nothing ("something about minerals i think") narrows the question before it.
_QUESTION_WORD = r"(?:what|whats|wat|who|whos|whom|whose|when|where|wheres|why|how|hows|which)"
_OPENING_VERB = (
    r"(?:did|does|do|is|isn't|was|are|were|has|have|had|can|could|will|would|should|any|tell|explain|give|list|"
    r"name|describe|summari[sz]e|define|show)"
)
_ASKS = re.compile(rf"\b{_QUESTION_WORD}\b|^{_OPENING_VERB}\b", re.IGNORECASE)
# A sentence that asks: it ends with a question mark, or opens with a question word or such a verb ("who" inside
# one, as in "an officer who served", asks nothing).
_ASKING_SENTENCE = re.compile(rf"\?$|^(?:{_QUESTION_WORD}|{_OPENING_VERB})\b", re.IGNORECASE)
# The end of a sentence: a full stop, "!" or "?" before a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def questions_in(message: str) -> list[str]:
    """The questions a message asks, in order: "who are the intermediaries + when did Ukraine agree" asks two.
    A piece of fewer than three words ("lol", "pls?") is an aside, not a question; a message of one question
    is returned whole."""
    pieces = [" ".join(piece.split()).strip(" ,.!") for piece in _QUESTIONS.split(message)]
    questions: list[str] = []
    for piece in pieces:
        if len(piece.split()) < QUESTION_WORDS:
            continue
        if questions and not _ASKS.search(piece):  # "...? something about minerals i think": the same question
            questions[-1] = f"{questions[-1]}? {piece}"
        else:
            questions.append(piece)
    return questions if len(questions) > 1 else [message]


def asking_sentences(message: str) -> str | None:
    """The message from its first sentence that asks something on, when sentences that ask nothing come before it
    ("In my language we say 'to eat your words'. Did Putin take back what his aide said?"), else None. Those
    sentences are the asker's preamble: who they are, where they served, what they read."""
    sentences = _SENTENCE_END.split(message.strip())
    for number, sentence in enumerate(sentences):
        if _ASKING_SENTENCE.search(sentence):
            asking = " ".join(sentences[number:])
            return asking if number and len(asking.split()) >= QUESTION_WORDS else None
    return None
