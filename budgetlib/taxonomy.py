"""The indicator framework (财政部 项目支出绩效指标体系): level-1 and level-2 codes and names."""

from __future__ import annotations

LEVEL1: dict[int, str] = {1: "产出指标", 2: "效益指标", 3: "满意度指标", 4: "成本指标"}
LEVEL2: dict[int, str] = {
    11: "数量指标", 12: "质量指标", 13: "时效指标", 14: "成本指标",
    21: "经济效益", 22: "社会效益", 23: "生态效益", 24: "可持续影响",
    31: "服务对象满意度",
    41: "经济成本", 42: "社会成本", 43: "生态环境成本",
}


def _same(name: str | None, standard: str) -> bool:
    def norm(s: str) -> str:
        return s.replace("指标", "").strip()

    return name is not None and norm(name) == norm(standard)


def taxonomy_problems(l1_code: int | None, l1: str | None, l2_code: int | None, l2: str | None) -> list[str]:
    """Why a (level-1, level-2) pair does not fit the framework; empty when it fits."""
    problems = []
    if l1_code not in LEVEL1:
        problems.append(f"level-1 code {l1_code} is not in the framework")
    elif not _same(l1, LEVEL1[l1_code]):
        problems.append(f"level-1 code {l1_code} is {LEVEL1[l1_code]}, printed as {l1}")
    if l2_code not in LEVEL2:
        problems.append(f"level-2 code {l2_code} is not in the framework")
    else:
        if not _same(l2, LEVEL2[l2_code]):
            problems.append(f"level-2 code {l2_code} is {LEVEL2[l2_code]}, printed as {l2}")
        if l1_code in LEVEL1 and l2_code // 10 != l1_code:
            problems.append(f"{l2_code}-{l2} belongs under {l2_code // 10}-{LEVEL1.get(l2_code // 10, '?')}, "
                            f"not under {l1_code}-{l1}")
    return problems


__all__ = ["LEVEL1", "LEVEL2", "taxonomy_problems"]
