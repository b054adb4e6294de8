"""Reviewing the targets as a budget reviewer would: is each target measurable, graded or vague; does each
project have its 产出, 效益 and 满意度 indicators; which indicator families; which words set a unit's or a
project's goals apart from the rest of the corpus.

    targets      every 年度指标值 classified by rules kept as data (resources/review/value_classes.toml)
    families     indicator names normalised into families (resources/review/families.toml)
    checklist    review_indicators and review_projects, the reviewer's checklist in Chinese (or English)
    keywords     TF-IDF over the corpus being analysed, TextRank, boilerplate set aside
    segmentation word-level F1 of a segmenter against the hand-segmented gold set
"""

from __future__ import annotations

from .checklist import REVIEW_INDICATOR_COLUMNS, REVIEW_PROJECT_COLUMNS, review, review_indicators, review_projects
from .families import coverage, family
from .targets import CLASSES, classify

__all__ = ["CLASSES", "REVIEW_INDICATOR_COLUMNS", "REVIEW_PROJECT_COLUMNS", "classify", "coverage", "family",
           "review", "review_indicators", "review_projects"]
