"""Word-level F1 of plain jieba and of budgetlib's configured jieba (``segment.words``) against the
hand-segmented gold set (``tests/data/segmentation_gold.txt``, PKU guidelines: 40 goal sentences and 60
indicator names of the sample).

The gold set's even items are the development half; odd items are held out.  The held-out score is also
computed with the dictionary stripped of every entry whose text occurs only in the held-out half (entries
the dictionary could have learnt from it), so that it is an honest estimate for unseen text.

    python benchmarks/bench_segment.py [--out benchmarks/segment_latest.md]
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import jieba

from budgetlib import segment
from budgetlib.review.segmentation import read_gold, score

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "segmentation_gold.txt"


def _without_leaks(rules: dict, dev_text: str, test_text: str) -> tuple[dict, list[str]]:
    rules = copy.deepcopy(rules)
    dropped = []
    for group in rules["group"]:
        for key in ("add", "split"):
            kept = []
            for entry in group.get(key, []):
                text = entry.replace(" ", "")
                (dropped.append(entry) if text in test_text and text not in dev_text else kept.append(entry))
            if key in group:
                group[key] = kept
    return rules, dropped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "segment_latest.md")
    args = parser.parse_args()
    gold = read_gold(GOLD)
    halves = {"all": [w for _, w in gold], "development (even)": [w for i, (_, w) in enumerate(gold) if i % 2 == 0],
              "held out (odd)": [w for i, (_, w) in enumerate(gold) if i % 2 == 1]}
    kinds = {"goal sentences": [w for k, w in gold if k == "G"], "indicator names": [w for k, w in gold if k == "N"]}
    jieba.setLogLevel(60)
    plain = jieba.Tokenizer()
    plain.initialize()
    rules = segment._word_rules()
    fair, dropped = _without_leaks(rules, "".join("".join(w) for w in halves["development (even)"]),
                                   "".join("".join(w) for w in halves["held out (odd)"]))
    segmenters = {"plain jieba": plain.lcut, "budgetlib (segment.words)": segment.words,
                  "budgetlib, dictionary without held-out-only entries": segment.word_segmenter(fair)}
    lines = ["# Segmentation: word-level F1 against the gold set (PKU guidelines)", "",
             f"Gold: {len(gold)} items ({len(kinds['goal sentences'])} goal sentences, "
             f"{len(kinds['indicator names'])} indicator names), {sum(len(w) for w in halves['all'])} words. "
             f"Dictionary entries seen only in the held-out half ({len(dropped)}), dropped for the last row: "
             f"{'、'.join(dropped)}.", "",
             "| segmenter | items | precision | recall | F1 |", "|---|---|---|---|---|"]
    for name, cut in segmenters.items():
        for part, items in {**halves, **kinds}.items():
            if name.endswith("entries") and part != "held out (odd)":
                continue
            s = score(cut, items)
            lines.append(f"| {name} | {part} | {s.precision:.4f} | {s.recall:.4f} | **{s.f1:.4f}** |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
