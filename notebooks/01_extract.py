# %% [markdown]
# # 1 抽取：项目支出绩效目标表
#
# 读取 `input_dir` 中的每个 PDF，定位含「项目支出绩效目标表」的页面，用 camelot 读出表格，写入 `processed_dir`
# （projects / units / indicators / findings 与审核表 review_indicators / review_projects，CSV 与 Parquet）。下表列出每个文件读到了什么、哪些被跳过以及原因，
# 以及逐页的解析记录，便于把任何一行追溯到它所在的页。

# %% tags=["parameters"]
input_dir = None  # folder of PDFs (None: budgetlib.config.RAW_DIR)
processed_dir = None  # where the tables go (None: budgetlib.config.PROCESSED_DIR)
engine = "vector"  # camelot lattice engine: vector | combined | raster
workers = 0  # processes (0: one per core)
lang = "zh"  # language of finding messages and review points: zh or en
interactive_rows = 30  # tables longer than this are searchable and sortable (DataTables); shorter stay plain

# %%
import budgetlib
from budgetlib import notebook as nb

nb.setup(interactive_rows)
where = nb.paths(input_dir, processed_dir)
result = budgetlib.extract([where.raw], budgetlib.ExtractSettings(engine=engine, workers=workers, lang=lang))
if not result.documents:
    raise budgetlib.TableNotFoundError(where.raw, "; ".join(f.reason for f in result.failures) or "no PDF in it")
written = result.write(where.processed)

# %% [markdown]
# ## 抽取存疑（先看这里）
#
# 表内勾稽不能印证其行划分的页：这些页上的金额、目标与指标可能属于相邻的行，后面的图表也以它们为据。

# %%
nb.doubts(result.findings)

# %% [markdown]
# ## 每个文件：读到的内容，或跳过的原因

# %%
nb.table(result.sources().drop(columns=["sha256"]), f"{where.raw} 中的文件", highlight="reason")

# %% [markdown]
# ## 逐页解析记录

# %%
nb.table(budgetlib.tables.log_frame(result.documents), "每页的解析决定（页码 → 所用方法、行数、跨页合并）")

# %% [markdown]
# ## 写出的文件

# %%
sorted(str(p.relative_to(where.processed)) for p in written)
