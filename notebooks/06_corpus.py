# %% [markdown]
# # 6 多部门、多年度、多城市
#
# 一个区一年公布几十张绩效目标表，各城市的版式也不同（项目列表、逐项目表单、指标清单、部门整体目标表）：按城市、
# 部门和年度概览（版式、合计或项目之和、单位、项目、指标、部门整体目标、各级别问题数），各部门支出，
# 各部门指标构成与问题，同一部门相邻两年的变化（新增、撤销、更名、金额与目标值变化）。只有一个部门时，
# 本节只列概览；`department` 参数把本节限定为一个部门。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract (None: budgetlib.config.PROCESSED_DIR)
department = None  # narrow to one department (None: all)
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import budgetlib
from budgetlib import charts, corpus
from budgetlib import notebook as nb

nb.setup(interactive_rows)
tables = corpus.narrow(budgetlib.load_processed(nb.paths(None, processed_dir).processed), department)
several = len(corpus.departments(tables)) > 1

# %% [markdown]
# ## 按城市、部门和年度概览

# %%
overview = corpus.overview(tables)
nb.table(overview, "每个部门、每个年度：城市、版式、印刷的合计（未印合计的表：项目之和）、文件、单位/项目/指标/部门整体目标"
                   "个数、各级别问题数")

# %% [markdown]
# ## 各部门支出
#
# 各部门的合计，按年度并列；各部门内部按单位的支出见「4 图表」（每个部门单独成图，不混合不同部门的单位）。

# %%
charts.spending_by_department(overview) if several else nb.note("只有一个部门：见「4 图表」。")

# %% [markdown]
# ## 各部门的指标构成

# %%
charts.indicator_mix_by_department(tables["indicators"]) if several else nb.note("只有一个部门。")

# %% [markdown]
# ## 各部门的问题

# %%
nb.table(corpus.findings_by_department(tables), "每个部门：各类问题的条数")

# %% [markdown]
# ## 相邻两年的变化
#
# 同一部门有两个以上年度时，逐年对比：新增、撤销、更名（同一单位、名称不同而目标、指标与金额相近）、金额变化、
# 目标值变化。项目按「单位＋名称」对应（名称会重复）。

# %%
pairs = corpus.year_pairs(tables)
for dept, old, new in pairs:
    nb.show(nb.table(corpus.year_over_year(tables, dept, old, new), f"{dept}：{old} → {new} 年的变化"))
nb.note("没有同一部门的两个年度。") if not pairs else None
