"""Coverage in arrays gives exactly what the dictionary it replaced gave: the same sums, the same best facts, ties in
the order the facts were first covered."""

from __future__ import annotations

import heapq
import random
from array import array
from operator import itemgetter

from bot.core.coverage import Coverage


def _postings(rng: random.Random, slots: int, share: float) -> array[int]:
    return array("i", sorted(slot for slot in range(slots) if rng.random() < share))


def test_sums_and_best_facts_are_the_dictionarys() -> None:
    rng = random.Random(5)
    for trial in range(40):
        slots = rng.choice([5, 60, 500, 3000])
        coverage = Coverage(slots)
        reference: dict[int, float] = {}
        for _ in range(rng.randint(1, 6)):
            # Few distinct weights, so that many facts tie; some postings cover nearly every fact.
            value = rng.choice([0.75, 1.5, 2.25]) * rng.choice([1.0, 0.75, 0.68])
            postings = _postings(rng, slots, rng.choice([0.01, 0.3, 0.95]))
            if reference and rng.random() < 0.3:
                lowest = heapq.nlargest(3, reference.values())[-1]
                flags = coverage.contenders(0.5, lowest)
                contenders = {slot for slot, covered in reference.items() if covered + 0.5 >= lowest}
                assert set(flags.nonzero()[0].tolist()) == contenders
                coverage.add_to_contenders(flags, postings, value)
                for slot in postings:
                    if slot in contenders:
                        reference[slot] += value
            else:
                coverage.add(postings, value)
                for slot in postings:
                    reference[slot] = reference.get(slot, 0.0) + value
        assert coverage.covered().tolist() == list(reference), trial
        for count in (1, 3, 60, 120, slots + 1):
            expected = heapq.nlargest(count, reference.items(), key=itemgetter(1))
            assert coverage.best(count) == expected, (trial, count)
            if count <= len(reference):
                assert coverage.nth_highest(count) == expected[-1][1]


def test_nothing_covered_yet() -> None:
    coverage = Coverage(10)
    coverage.add(array("i"), 1.0)
    assert len(coverage) == 0 and coverage.best(5) == []
