"""How well a segmenter matches the hand-segmented gold set (``tests/data/segmentation_gold.txt``, PKU
guidelines): word-level precision, recall and F1 (a word counts when both its ends match the gold)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    items: int
    words: int


def spans(words: Iterable[str]) -> set[tuple[int, int]]:
    out, at = set(), 0
    for w in words:
        out.add((at, at + len(w)))
        at += len(w)
    return out


def read_gold(path: str | Path) -> list[tuple[str, list[str]]]:
    """(kind, words) per line: kind ``G`` (a goal sentence) or ``N`` (an indicator name)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, *words = line.split(" ")
            out.append((kind, words))
    return out


def score(segmenter: Callable[[str], list[str]], gold: list[list[str]]) -> Score:
    """Micro-averaged word-level scores of ``segmenter`` over the gold items."""
    hit = got = want = 0
    for words in gold:
        text = "".join(words)
        cut = [w for w in segmenter(text) if w.strip()]
        if "".join(cut) != text:
            raise ValueError(f"the segmenter changed the text: {text!r} → {''.join(cut)!r}")
        g, p = spans(words), spans(cut)
        hit, got, want = hit + len(g & p), got + len(p), want + len(g)
    precision, recall = hit / got if got else 0.0, hit / want if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(round(precision, 4), round(recall, 4), round(f1, 4), len(gold), want)


__all__ = ["Score", "read_gold", "score", "spans"]
