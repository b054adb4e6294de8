# %% [markdown]
# # 3 分词与关键词
#
# 用 jieba 对绩效目标与指标名称分词：领域词典保证「社区两委、两新组织、党群中心、家综、来穗人员、网格员」等词
# 不被切开，停用词表去掉「加强、提高、工作」等每个目标都用的词。关键词的 TF-IDF 以本次分析的全部项目为语料
# 计算（而非 jieba 通用的 IDF），几乎每个目标都有的套话（提高经费使用效益、努力实现绩效目标……）先行剔除；
# 也可改用 TextRank。得到每个部门、每个单位、每个项目的关键词。

# %% tags=["parameters"]
processed_dir = None  # tables written by 01_extract (None: budgetlib.config.PROCESSED_DIR)
top_keywords = 8  # keywords per unit
top_project_keywords = 5  # keywords per project
keyword_method = "tfidf"  # tfidf (over the goals analysed) or textrank
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import pandas as pd

import budgetlib
from budgetlib import notebook as nb
from budgetlib import segment
from budgetlib.output import write_table
from budgetlib.review import keywords

nb.setup(interactive_rows)
where = nb.paths(None, processed_dir)
tables = budgetlib.load_processed(where.processed)

# %%
texts = segment.project_texts(tables["projects"], tables["indicators"])
counts = segment.word_counts(list(texts["text"]))
words = pd.DataFrame(counts.most_common(), columns=["word", "count"])
boiler = keywords.boilerplate(texts["goal"])
by_department = keywords.keywords_by(texts, ["department"], top_keywords, keyword_method, boiler)
by_unit = keywords.keywords_by(texts, ["unit"], top_keywords, keyword_method, boiler)
by_project = keywords.keywords_by(texts, ["project_id", "unit", "project"], top_project_keywords, keyword_method,
                                  boiler)
for name, df in {"word_counts": words, "keywords_by_department": by_department, "keywords_by_unit": by_unit,
                 "keywords_by_project": by_project, "boilerplate": boiler}.items():
    write_table(df, where.processed, name)

# %% [markdown]
# ## 套话
#
# 列入 `boilerplate.txt` 的套话（listed，只剔除该短语），以及被众多目标共用的整句（shared），计算关键词前剔除。

# %%
nb.table(boiler, "计算关键词前剔除的套话")

# %% [markdown]
# ## 领域词是否保持完整

# %%
sample = "社区两委干部补贴、两新组织党员活动、党群中心、家综服务、来穗人员登记、专职网格员配置"
" / ".join(segment.segment(sample))

# %% [markdown]
# ## 每个单位的关键词

# %%
nb.table(by_unit.pivot_table(index="rank", columns="unit", values="keyword", aggfunc="first").reset_index(),
         "每个单位的关键词（按名次）")

# %% [markdown]
# ## 每个项目的关键词

# %%
nb.table(by_project.groupby(["unit", "project_id", "project"], sort=False)["keyword"].agg("、".join).reset_index(),
         "每个项目的关键词")

# %% [markdown]
# ## 高频词

# %%
nb.table(words, f"绩效目标与指标名称中的词（{len(words)} 个，按出现次数）")
