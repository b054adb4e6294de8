# %% [markdown]
# # 2 核对与问题清单
#
# 表格本身的问题只标注、不改动：合计与各单位之和、单位与其项目之和、总计与资金来源之和是否一致；
# 二级指标是否属于其一级指标；指标值能否解析；实施周期与年度指标值是否一致；指标是否重复。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract (None: budgetlib.config.PROCESSED_DIR)
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import budgetlib
from budgetlib import analysis
from budgetlib import notebook as nb

nb.setup(interactive_rows)
tables = budgetlib.load_processed(nb.paths(None, processed_dir).processed)
projects, units, indicators, findings = (tables[k] for k in ("projects", "units", "indicators", "findings"))

# %% [markdown]
# ## 概要

# %%
nb.table(analysis.overview(projects, units, indicators, findings),
         "每个文件：部门、印刷的合计、单位/项目/指标个数、各级别问题数")

# %% [markdown]
# ## 问题概览

# %%
nb.table(analysis.findings_summary(findings), f"共 {len(findings)} 条问题（error：金额对不上；warning：指标问题；info：提示）")

# %% [markdown]
# ## 金额核对：哪些合计对不上，差多少

# %%
recon = analysis.reconcile(units, projects)
nb.table(recon.assign(disagrees=~recon["agrees"]).drop(columns=["agrees"]),
         "印刷的金额与其组成部分之和（红色：不一致）", highlight="disagrees")

# %%
nb.table(analysis.findings_of(findings, "sum_mismatch"), "金额不一致（sum_mismatch）")

# %% [markdown]
# ## 指标分类不符合一级/二级指标体系

# %%
nb.table(analysis.findings_of(findings, "taxonomy_mismatch"), "taxonomy_mismatch")

# %%
nb.table(analysis.taxonomy_table(indicators), "所有一级/二级指标组合及其数量")

# %% [markdown]
# ## 其他指标问题

# %%
other = findings[~findings["check"].isin(["sum_mismatch", "taxonomy_mismatch"])]
nb.table(other[["check", "severity", "source", "page", "unit", "project", "seq", "message"]], "指标值与重复指标")

# %% [markdown]
# ## 整理后的数据（供分析使用）

# %%
nb.table(units.drop(columns=["department"]), "单位与合计（万元）")

# %%
nb.table(projects[["project_id", "page", "unit", "project", "total", "fiscal", "special_account", "other"]],
         f"项目（{len(projects)} 个，万元）")

# %%
nb.table(indicators[["department", "unit", "project", "seq", "level1", "level2", "indicator", "annual_value", "kind",
                     "source", "page"]],
         f"绩效指标（{len(indicators)} 个）：在搜索框输入项目、单位或指标名称即可筛选")
