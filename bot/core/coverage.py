"""How much of a question each fact covers, kept in arrays by slot while the matcher adds a question's tokens.

A word like "say" is in the phrasing of nearly every fact of a large base; adding its postings one slot at a time
to a dictionary cost 13-16 ms a question at 100,000 facts, and picking the best of 100,000 entries a few more.
Here a postings array is added in a handful of array operations. The results are exactly the dictionary's: each
slot gets the same float additions in the same order, and "first covered" is remembered so that facts of equal
coverage keep the order in which they were first covered (the order the matcher's ties are broken in).
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

__all__ = ["Coverage"]

_SLOT = np.intc  # the item of an array("i") of postings


def _slots(postings: array[int]) -> npt.NDArray[np.intc]:
    return np.frombuffer(postings, dtype=_SLOT) if len(postings) else np.zeros(0, _SLOT)


class Coverage:
    """The weight of a question covered by each fact (by slot) so far, and the order facts were first covered."""

    def __init__(self, slots: int) -> None:
        self._values = np.zeros(slots, np.float64)
        self._seen = np.zeros(slots, np.bool_)
        self._order: list[npt.NDArray[np.intc]] = []  # the slots first covered by each addition, in order
        self._covered: npt.NDArray[np.intc] | None = np.zeros(0, _SLOT)  # every covered slot, in order (cached)

    def __len__(self) -> int:
        return len(self.covered())

    def covered(self) -> npt.NDArray[np.intc]:
        """Every covered slot, in the order each was first covered."""
        if self._covered is None:
            self._covered = np.concatenate(self._order)
            self._order = [self._covered]
        return self._covered

    def add(self, postings: array[int], value: float) -> None:
        """Add ``value`` to every slot in ``postings`` (sorted, each slot once), covering those not yet covered."""
        slots = _slots(postings)
        fresh = slots[~self._seen[slots]]
        if len(fresh):
            self._seen[fresh] = True
            self._order.append(fresh)
            self._covered = None
        self._values[slots] += value

    def add_to_contenders(self, contenders: npt.NDArray[np.bool_], postings: array[int], value: float) -> None:
        """Add ``value`` to the slots in ``postings`` that are ``contenders`` (a flag by slot); none is new."""
        slots = _slots(postings)
        self._values[slots[contenders[slots]]] += value

    def contenders(self, gain: float, lowest: float) -> npt.NDArray[np.bool_]:
        """A flag by slot: the covered facts whose coverage plus ``gain`` reaches ``lowest``."""
        covered = self.covered()
        flags = np.zeros(len(self._values), np.bool_)
        flags[covered[self._values[covered] + gain >= lowest]] = True
        return flags

    def nth_highest(self, count: int) -> float:
        """The ``count``-th highest coverage (``count`` at most :func:`len`)."""
        values = self._values[self.covered()]
        return float(np.partition(values, len(values) - count)[len(values) - count])

    def best(self, count: int) -> list[tuple[int, float]]:
        """The ``count`` best covered facts as (slot, coverage), highest first, equal coverage in the order first
        covered: ``heapq.nlargest(count, items, key=coverage)`` over the facts in that order."""
        covered = self.covered()
        values = self._values[covered]
        if len(covered) > count:
            threshold = values[np.argpartition(values, len(values) - count)[len(values) - count]]
            above = np.flatnonzero(values > threshold)
            tied = np.flatnonzero(values == threshold)[: count - len(above)]  # positions: earliest covered first
            chosen = np.concatenate([above, tied])
        else:
            chosen = np.arange(len(covered))
        ranked = chosen[np.argsort(-values[chosen], kind="stable")]  # stable: ties stay in the order first covered
        return list(zip(covered[ranked].tolist(), values[ranked].tolist(), strict=True))
