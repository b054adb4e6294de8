# %% [markdown]
# # 4 图表
#
# 各单位项目支出、金额最大的项目、绩效指标类型分布（一级、二级；总体与分单位）、年度指标值的类型、高频词。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract and 03_segment (None: budgetlib.config.PROCESSED_DIR)
top_projects = 15  # how many of the largest projects to chart
top_words = 25  # how many frequent words to chart

# %%
import budgetlib
from budgetlib import charts
from budgetlib import notebook as nb
from budgetlib.output import read_table

nb.setup()
where = nb.paths(None, processed_dir)
tables = budgetlib.load_processed(where.processed)
department = "、".join(tables["projects"]["department"].dropna().unique()) or "（未注明部门）"

# %% [markdown]
# ## 抽取存疑
#
# 以下图表所用的行中，哪些页的行划分未经表内勾稽印证（无则显示「无」）。

# %%
nb.doubts(tables["findings"])

# %% [markdown]
# ## 各单位项目支出

# %%
charts.spending_by_unit(tables["units"])

# %% [markdown]
# ## 金额最大的项目

# %%
charts.largest_projects(tables["projects"], top=top_projects)

# %% [markdown]
# ## 绩效指标类型分布

# %%
charts.indicator_levels(tables["indicators"])

# %%
charts.indicator_levels_by_unit(tables["indicators"], level="level1")

# %%
charts.indicator_levels_by_unit(tables["indicators"], level="level2")

# %% [markdown]
# ## 年度指标值的类型

# %%
charts.value_kinds(tables["indicators"])

# %% [markdown]
# ## 高频词

# %%
charts.top_keywords(read_table(where.processed, "word_counts"), department, top=top_words)
