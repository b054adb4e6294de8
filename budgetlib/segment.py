"""Word segmentation of goal texts and indicator names with jieba.

A domain dictionary (``resources/userdict.txt``: 社区两委, 两新组织, 党群中心, 家综, 来穗人员, 网格员 …) keeps
the terms of Chinese budget texts whole, and a stop-word list (``resources/stopwords.txt``) drops the
words every goal uses (加强, 提高, 工作 …).  jieba's dictionary cache goes to ``config.CACHE_DIR``.
Call ``tokenizer()`` (it initialises jieba) before forking worker processes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import jieba
import jieba.analyse
import jieba.posseg
import pandas as pd

from . import config

USER_DICT: Path = config.RESOURCES_DIR / "userdict.txt"
STOP_WORDS: Path = config.RESOURCES_DIR / "stopwords.txt"
_WORD = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the domain dictionary, initialised (its cache in ``config.CACHE_DIR``)."""
    config.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(config.CACHE_DIR)
    tk.initialize()
    tk.load_userdict(str(USER_DICT))
    return tk


WORDS: Path = config.RESOURCES_DIR / "words.toml"


@functools.cache
def _word_rules() -> dict:
    import tomllib

    with open(WORDS, "rb") as fh:
        return tomllib.load(fh)


def word_segmenter(rules: dict | None = None) -> Callable[[str], list[str]]:
    """A word segmenter under the PKU guidelines: jieba with the domain dictionary ``rules`` (default
    ``resources/words.toml``), a bound suffix joined to the word before it, a numeral cut from its
    classifier.  Every character is kept (punctuation included)."""
    rules = rules or _word_rules()
    config.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(config.CACHE_DIR)
    tk.initialize()
    for group in rules["group"]:
        for word in group.get("add", ()):
            tk.add_word(word, freq=max(tk.suggest_freq(word), 20))
    # compounds the standard splits: out of this tokenizer's dictionary, and cut again should jieba's HMM
    # join them (jieba's own del_word would force the split in every tokenizer of the process)
    splits = {"".join(e.split()): e.split() for group in rules["group"] for e in group.get("split", ())}
    for joined in splits:
        if tk.FREQ.get(joined):
            tk.total -= tk.FREQ[joined]
            tk.FREQ[joined] = 0
    suffixes = set(rules["suffixes"]["chars"])
    numerals, classifiers = rules["numerals"]["numerals"], rules["numerals"]["classifiers"]

    def cut(text: str) -> list[str]:
        out: list[str] = []
        for w in tk.lcut(text or ""):
            if w in splits:
                out += splits[w]
            elif w in suffixes and out and _WORD.fullmatch(out[-1][-1]) and out[-1] not in suffixes:
                out[-1] += w
            elif len(w) == 2 and w[0] in numerals and w[1] in classifiers:
                out += [w[0], w[1]]
            else:
                out.append(w)
        return out

    return cut


_words = functools.cache(word_segmenter)


def words(text: str) -> list[str]:
    """``text`` cut into words under the PKU guidelines (``word_segmenter`` with ``resources/words.toml``)."""
    return _words()(text)


@functools.cache
def stop_words() -> frozenset[str]:
    return frozenset(w.strip() for w in STOP_WORDS.read_text(encoding="utf-8").splitlines() if w.strip())


@functools.cache
def _tfidf() -> jieba.analyse.TFIDF:
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = tokenizer()
    extractor.postokenizer = jieba.posseg.POSTokenizer(tokenizer())
    extractor.set_stop_words(str(STOP_WORDS))
    return extractor


def segment(text: str) -> list[str]:
    """Words of ``text``: Chinese words of two or more characters, stop words dropped."""
    stops = stop_words()
    return [w for w in tokenizer().lcut(text or "") if len(w) >= 2 and _WORD.search(w) and w not in stops]


def word_counts(texts: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(segment(text))
    return counts


def keywords(text: str, top: int = 10) -> list[tuple[str, float]]:
    """TF-IDF keywords of ``text`` (jieba.analyse with the domain dictionary and stop words)."""
    return [(w, float(s)) for w, s in _tfidf().extract_tags(text or "", topK=top, withWeight=True)
            if _WORD.search(w)]


def project_texts(projects: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One text per project: its goal and the names of its indicators."""
    names = indicators.groupby("project_id")["indicator"].agg(lambda s: "；".join(s.dropna()))
    out = projects[["project_id", "source", "department", "unit", "project", "goal"]].copy()
    out["indicator_names"] = out["project_id"].map(names).fillna("")
    out["text"] = out["goal"].fillna("") + "。" + out["indicator_names"]
    return out


def keywords_by(texts: pd.DataFrame, by: list[str], top: int = 10) -> pd.DataFrame:
    """TF-IDF keywords of the texts grouped by ``by`` (e.g. ``["unit"]`` or ``["project_id", "project"]``)."""
    rows = []
    for key, group in texts.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for rank, (word, weight) in enumerate(keywords("。".join(group["text"]), top), start=1):
            rows.append({**dict(zip(by, key)), "rank": rank, "keyword": word, "weight": round(weight, 4)})
    return pd.DataFrame(rows, columns=[*by, "rank", "keyword", "weight"])


__all__ = ["keywords", "keywords_by", "project_texts", "segment", "stop_words", "tokenizer", "word_counts",
           "word_segmenter", "words"]
