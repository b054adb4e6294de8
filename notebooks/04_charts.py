# %% [markdown]
# # 4 图表
#
# 各单位项目支出、金额最大的项目、绩效指标类型分布（一级、二级；总体与分单位）、年度指标值的类型、高频词。
# 有几个部门时，每个部门单独成图（图中从不混合两个部门的单位）；`department` 参数只画一个部门。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract and 03_segment (None: budgetlib.config.PROCESSED_DIR)
department = None  # draw one department only (None: each department in turn)
top_projects = 15  # how many of the largest projects to chart
top_words = 25  # how many frequent words to chart
max_departments = 12  # a corpus: chart the largest departments (by 合计) only; -p department NAME draws any one
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import budgetlib
from budgetlib import charts, corpus
from budgetlib import notebook as nb
from budgetlib.output import read_table

nb.setup(interactive_rows)
where = nb.paths(None, processed_dir)
tables = budgetlib.load_processed(where.processed)
parts = list(corpus.by_department(tables, department))
left_out = corpus.largest(parts, max_departments)
parts = [p for p in parts if p[0] not in left_out]
nb.note("另有 {n} 个部门（年度）未画图：{names}；用 `-p department 部门名称` 单独画。", n=len(left_out),
        names="、".join(left_out)) if left_out else None

# %% [markdown]
# ## 抽取存疑
#
# 以下图表所用的行中，哪些页的行划分未经表内勾稽印证（无则显示「无」）。

# %%
nb.doubts(corpus.narrow(tables, department)["findings"])

# %% [markdown]
# ## 各单位项目支出

# %%
for name, part in parts:
    nb.show(charts.spending_by_unit(part["units"], part["projects"]))

# %% [markdown]
# ## 金额最大的项目

# %%
for name, part in parts:
    nb.show(charts.largest_projects(part["projects"], top=top_projects))

# %% [markdown]
# ## 绩效指标类型分布

# %%
for name, part in parts:
    nb.show(charts.indicator_levels(part["indicators"]))
    nb.show(charts.indicator_levels_by_unit(part["indicators"], level="level1"))
    nb.show(charts.indicator_levels_by_unit(part["indicators"], level="level2"))

# %% [markdown]
# ## 年度指标值的类型

# %%
for name, part in parts:
    nb.show(charts.value_kinds(part["indicators"]))

# %% [markdown]
# ## 高频词（全部文件）

# %%
names = "、".join(name for name, _ in parts) if len(parts) <= 3 else f"{len(parts)} 个部门"
charts.top_keywords(read_table(where.processed, "word_counts"), names, top=top_words)
