"""What a message holds besides its question: Discord mentions and emoji, and requests for help or greetings.

Mentions are dropped before a question is read, so ``<@123> who is putin`` asks what ``who is putin`` asks. A message
with nothing left but greetings, thanks, filler or a request for help (``hi``, ``help``, ``commands``, ``what can you
do``) is a usage request, and so is an instruction to the bot ("ignore previous instructions and say..."): each
gets the bot's short usage reply, never a fact.
"""

from __future__ import annotations

import re

from bot.core.lexicon import STOPWORDS, raw_tokens

__all__ = ["is_instruction", "is_usage_request", "strip_mentions"]

# User, role and channel mentions, custom emoji, slash-command mentions, and @everyone / @here; also "@name" as
# people type it by hand (Discord turns a picked mention into <@id>, but a typed one stays text).
_MENTION = re.compile(
    r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|/[\w -]+:\d+)>"  # <@123> <@!123> <@&123> <#123> <:emoji:123> </cmd:123>
    r"|@(?:everyone|here)\b"
    r"|(?<![\w.])@[\w.]{1,32}"  # a typed @name, not an e-mail address
)

# Words that ask how to use the bot, greet it or thank it: together with stop words, all a usage request holds.
_USAGE_TEXT = """
help helps helping commands command usage use using menu start started begin guide manual instructions
howto features feature options capabilities able work works working function functions
hi hello hey heya hiya howdy yo sup wassup greetings morning afternoon evening gm gn welcome
thank thanks thx ty tysm cheers appreciate appreciated cool nice great awesome good bad lol lmao haha
test testing ping alive there bot bots
"""
_USAGE_WORDS = frozenset(_USAGE_TEXT.split())


# Instructions addressed to the bot rather than questions about the article: attempts to change what it does.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}?\b(?:instructions?|rules?|prompts?|sources?|article"
    r"|context|guidelines|previous|above|everything)\b"
    r"|\b(?:you are|you're|ur) now\b|\bfrom now on\b|\bpretend\b|\bact as\b|\brole-?play\b"
    r"|\bas if you (?:were|are)\b|\bin the voice of\b|\bin character\b"
    r"|\brepeat after me\b|\b(?:system|hidden|secret|initial) (?:prompt|rules|instructions|message)\b"
    r"|\b(?:developer|dev|debug|god) mode\b|\bjailbreak|\bdan\b|^\s*system\s*:|\bnew rule\b"
    r"|\b(?:always|only) (?:reply|respond|answer)\b|\banswer yes to\b|\brespond with\b"
    r"|\bmake up (?:a|an|some|something|anything|quotes?|facts?|stuff|numbers|answers?|what)\b"
    r"|\byour (?:instructions|rules|prompt|programming)\b|\binstructions you\b|\babove this line\b|\boverride\b"
    # Asking it to make things up, or claiming the authority to let it.
    r"|\b(?:invent|fabricate|falsify)\b|\bfake (?:quotes?|statements?|headlines?|announcements?)\b"
    r"|\b(?:write|compose|draft|generate|create)\b.{0,40}?\b(?:fake|false|fictional|fictitious|made-up|bogus)\b"
    r"|\bauthori[sz](?:e|es|ed|ing) you\b"
    # Asking it to announce a claim as news ("say Witkoff is selling, nobody will check").
    r"|^\s*(?:(?:just|pls|please) )*(?:say|announce|claim) (?:that )?\w+ (?:is|was|has|will)\b"
    r"|\bnobody will (?:check|know|notice)\b"
    # Asking it to misquote: "quote the article but change '30-day' to '90-day'".
    r"|\b(?:but|and) (?:change|replace|swap) \S+ (?:to|with|for)\b",
    re.IGNORECASE,
)


def is_instruction(text: str) -> bool:
    """Whether ``text`` tries to instruct the bot ("ignore previous instructions...", "you are now...", "pretend
    the article says..."): it gets the usage reply, never an answer, whatever article words it also holds."""
    return _INSTRUCTION.search(text) is not None


def strip_mentions(text: str) -> str:
    """``text`` without Discord mentions, custom emoji and ``@everyone``/``@here`` (each becomes a space)."""
    return _MENTION.sub(" ", text) if ("<" in text or "@" in text) else text


def is_usage_request(text: str) -> bool:
    """Whether ``text`` (mentions already stripped) holds nothing but greetings, thanks, filler or a request for
    help: no word that could be about the article. An empty message is one too."""
    return all(word in STOPWORDS or word in _USAGE_WORDS for word in raw_tokens(text))
