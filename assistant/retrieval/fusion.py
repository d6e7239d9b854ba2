"""Fusing ranked lists: reciprocal rank fusion or weighted min-max-normalised scores.

Both take lists of (row, score), best first, with one weight per list, and return (row, fused score)
best first. Ties keep the order of the first list (BM25), which the eval found the stronger.
"""

from __future__ import annotations

from collections.abc import Sequence

Ranked = Sequence[tuple[int, float]]


def reciprocal_rank_fusion(lists: Sequence[Ranked], weights: Sequence[float], k: int) -> list[tuple[int, float]]:
    """score(row) = sum of weight / (k + rank) over the lists that contain it (rank from 1)."""
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        for rank, (row, _) in enumerate(ranked, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return _ordered(fused, lists)


def weighted_fusion(lists: Sequence[Ranked], weights: Sequence[float]) -> list[tuple[int, float]]:
    """score(row) = sum of weight * min-max normalised score; a list that misses a row gives it 0."""
    fused: dict[int, float] = {}
    for ranked, weight in zip(lists, weights, strict=True):
        if not ranked:
            continue
        scores = [score for _, score in ranked]
        low, high = min(scores), max(scores)
        span = high - low
        for row, score in ranked:
            normalised = (score - low) / span if span > 0 else 1.0
            fused[row] = fused.get(row, 0.0) + weight * normalised
    return _ordered(fused, lists)


def _ordered(fused: dict[int, float], lists: Sequence[Ranked]) -> list[tuple[int, float]]:
    first_seen: dict[int, int] = {}
    for ranked in lists:
        for row, _ in ranked:
            first_seen.setdefault(row, len(first_seen))
    return sorted(fused.items(), key=lambda item: (-item[1], first_seen[item[0]]))
