# %% [markdown]
# # 5 绩效目标审核
#
# 像预算评审人员一样审看每个项目的绩效指标：年度指标值是否可衡量（数值、百分比、日期、时长），还是等级（优良、合格），
# 还是模糊（提升、增强、按规定）；是否齐备产出、效益、满意度指标；满意度目标是否偏低。规则与阈值是数据文件
# （`budgetlib/resources/review/`），每条判断都附理由。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract (None: budgetlib.config.PROCESSED_DIR)
department = None  # narrow the review to one department (None: all)
top_projects = 15  # how many of the largest projects to weigh against their targets
lang = "zh"  # language of the review points: zh or en
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import budgetlib
from budgetlib import notebook as nb
from budgetlib.review import checklist, families, summary

nb.setup(interactive_rows)
where = nb.paths(None, processed_dir)
tables = budgetlib.load_processed(where.processed)
projects, indicators = tables["projects"], tables["indicators"]
if department:
    projects = projects[projects["department"] == department]
    indicators = indicators[indicators["department"] == department]
review = checklist.review(projects, indicators, lang)
reviewed, review_projects = checklist.review_indicators(indicators, lang), review["review_projects"]

# %% [markdown]
# ## 可衡量的比例
#
# 每个单位、每个部门的年度指标值中，可衡量、等级、模糊各有多少。

# %%
if reviewed["department"].nunique() > 1:
    nb.show(summary.share_chart(reviewed, by="department"))
for dept, part in reviewed.groupby("department", sort=False):
    nb.show(summary.share_chart(part))

# %%
nb.table(summary.share_by(reviewed, ["department", "unit"]), "每个单位：各类年度指标值的个数与可衡量的比例")

# %% [markdown]
# ## 缺少某类指标的项目
#
# 没有产出（数量、质量、时效、成本）、效益或满意度指标的项目（False 表示缺少）。

# %%
nb.table(summary.missing_types(review_projects), "缺少产出、效益或满意度指标的项目（False 表示缺少）")

# %% [markdown]
# ## 模糊的目标值
#
# 只说方向或方式、没有可核对标准的年度指标值，以及无法识别的指标值。

# %%
nb.table(summary.vague_targets(reviewed), "模糊、无法识别或未归类的年度指标值，及其理由")

# %% [markdown]
# ## 金额最大而目标最弱的项目
#
# 金额最大的项目中，可衡量比例最低、审核要点最多的排在前面。

# %%
nb.table(summary.weakest_largest(review_projects, top_projects),
         f"金额最大的 {top_projects} 个项目中，目标最弱的在前（金额：万元）")

# %% [markdown]
# ## 指标族
#
# 指标名称归并为指标族（服务对象满意度、群众满意度 → 满意度），同类才好比较；「未归类」是规则未覆盖的名称。

# %%
summary.families_chart(reviewed)

# %%
nb.table(families.coverage(indicators["indicator"].dropna()), "各指标族的指标个数与名称个数")
