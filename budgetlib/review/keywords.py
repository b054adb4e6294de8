"""Keywords that tell a unit's, a project's or a department's goals apart from the rest of the corpus.

TF-IDF is computed over the goals being analysed (each project's goal and indicator names is one
document; scikit-learn's ``TfidfVectorizer`` with budgetlib's jieba), not over jieba's generic IDF:
社区 and 服务, which every goal of a street office uses, weigh little.  TextRank (jieba.analyse) is the
alternative that needs no corpus.  Boilerplate — clauses nearly every goal repeats (提高经费使用效益,
努力实现绩效目标 …), listed in ``resources/review/boilerplate.txt`` or shared by many goals of the corpus —
is found and set aside first.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from ..config import RESOURCES_DIR
from ..segment import segment, stop_words, tokenizer

BOILERPLATE_FILE = RESOURCES_DIR / "review" / "boilerplate.txt"
METHODS = ("tfidf", "textrank")
_CLAUSE = re.compile(r"[，,。；;！!？?\n]+")


@functools.cache
def listed_boilerplate() -> tuple[str, ...]:
    lines = BOILERPLATE_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def clauses(text: str) -> list[str]:
    """A goal's clauses (cut at ，。；！？), white space removed."""
    return [c for c in ("".join(part.split()) for part in _CLAUSE.split(text or "")) if c]


def boilerplate(goals: pd.Series, min_share: float = 0.1, min_goals: int = 3) -> pd.DataFrame:
    """What is set aside as boilerplate: the listed phrases found in the goals (``why`` = ``listed``; the
    phrase alone is left out, the rest of its clause kept), and whole clauses found in at least
    ``min_goals`` goals and ``min_share`` of all goals (``shared``).  Columns: text, goals (how many hold
    it), share, why."""
    texts = [g for g in goals.fillna("") if g]
    flat = ["".join(t.split()) for t in texts]
    rows = [{"text": p, "goals": n, "share": round(n / len(texts), 4), "why": "listed"}
            for p in listed_boilerplate() if (n := sum(p in t for t in flat))]
    counts: dict[str, int] = {}
    for text in texts:
        for c in set(clauses(text)):
            counts[c] = counts.get(c, 0) + 1
    rows += [{"text": c, "goals": n, "share": round(n / len(texts), 4), "why": "shared"}
             for c, n in counts.items() if n >= min_goals and n >= min_share * len(texts)
             and not any(r["text"] == c for r in rows)]
    out = pd.DataFrame(rows, columns=["text", "goals", "share", "why"])
    return out.sort_values(["goals", "text"], ascending=[False, True]).reset_index(drop=True)


def without(text: str, boiler: pd.DataFrame) -> str:
    """``text`` with the boilerplate left out: shared clauses whole, listed phrases alone."""
    shared = set(boiler.loc[boiler["why"] == "shared", "text"])
    phrases = list(boiler.loc[boiler["why"] == "listed", "text"])
    kept = []
    for c in clauses(text):
        if c in shared:
            continue
        for p in phrases:
            c = c.replace(p, "")
        if c:
            kept.append(c)
    return "。".join(kept)


def _tokens(text: str) -> list[str]:
    return segment(text)


def _textrank(text: str, top: int) -> list[tuple[str, float]]:
    import jieba.analyse
    import jieba.posseg

    tr = jieba.analyse.TextRank()
    tr.tokenizer = tr.postokenizer = jieba.posseg.POSTokenizer(tokenizer())
    tr.stop_words = set(tr.stop_words) | set(stop_words())
    return [(w, float(s)) for w, s in tr.textrank(text, topK=top, withWeight=True,
                                                   allowPOS=("n", "nz", "vn", "v", "nr", "ns", "nt", "l", "x"))
            if len(w) >= 2]


def keywords_by(texts: pd.DataFrame, by: list[str], top: int = 10, method: str = "tfidf",
                boiler: pd.DataFrame | None = None, max_df: float = 0.5) -> pd.DataFrame:
    """Keywords of the texts (``segment.project_texts``: one per project) grouped by ``by`` (``["unit"]``,
    ``["project_id", "project"]``, ``["department"]``).  ``tfidf``: IDF over the projects of ``texts``,
    words in more than ``max_df`` of them left out as common to nearly every goal; ``textrank``: jieba's
    TextRank.  ``boiler``: what to set aside (default: ``boilerplate`` of the goals)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if boiler is None:
        boiler = boilerplate(texts["goal"])
    docs = texts["text"].fillna("").map(lambda t: without(t, boiler))
    columns = [*by, "rank", "keyword", "weight"]
    if docs.str.len().sum() == 0:
        return pd.DataFrame(columns=columns)
    rows = []
    if method == "tfidf":
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(docs)
        vec = TfidfVectorizer(tokenizer=_tokens, lowercase=False, token_pattern=None, sublinear_tf=True,
                              max_df=max_df if n >= 10 else 1.0, norm="l2")
        try:
            vec.fit(docs)
        except ValueError:  # every word common to every document
            return pd.DataFrame(columns=columns)
        vocab = vec.get_feature_names_out()
        for key, group in texts.assign(_doc=docs).groupby(by, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            weights = vec.transform(["。".join(group["_doc"])]).toarray()[0]
            order = [i for i in weights.argsort()[::-1][:top] if weights[i] > 0]
            rows += [{**dict(zip(by, key)), "rank": r, "keyword": vocab[i], "weight": round(float(weights[i]), 4)}
                     for r, i in enumerate(order, start=1)]
    else:
        for key, group in texts.assign(_doc=docs).groupby(by, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            rows += [{**dict(zip(by, key)), "rank": r, "keyword": w, "weight": round(s, 4)}
                     for r, (w, s) in enumerate(_textrank("。".join(group["_doc"]), top), start=1)]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["METHODS", "boilerplate", "clauses", "keywords_by", "listed_boilerplate", "without"]
