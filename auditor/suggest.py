"""Did-you-mean for a mistyped name: the closest known names, for an error line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CUTOFF = 0.6  # difflib's own default: below it a "match" is a guess
_TIE = 0.01


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to `word`: the best, and any as close (`us-est-1` is as near
    `us-east-1` as `us-west-1`), at most `n`, in name order; case never hides a match."""
    by_folded: dict[str, str] = {}
    for choice in choices:
        by_folded.setdefault(choice.casefold(), choice)
    matcher = difflib.SequenceMatcher(b=word.casefold())
    scored = []
    for folded, choice in by_folded.items():
        matcher.set_seq1(folded)
        scored.append((matcher.ratio(), choice))
    best = max((score for score, _ in scored), default=0.0)
    if best < _CUTOFF:
        return []
    return sorted(choice for score, choice in scored if score >= best - _TIE)[:n]


def did_you_mean(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """ "; did you mean 'x'?" (or "'x' or 'y'"), or `otherwise` when nothing is close."""
    found = close_matches(word, choices)
    if not found:
        return otherwise
    return "; did you mean " + " or ".join(repr(f) for f in found) + "?"


def listed(names: Iterable[str], limit: int = 12) -> str:
    """Names for one line: the first `limit`, then how many more."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
