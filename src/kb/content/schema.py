"""The question-page front matter schema: defined once, used by the build, the checks and the docs.

Every page under ``docs/<topic>/`` starts with YAML front matter that must match
:data:`FIELDS`. Topics, tags and difficulty levels are closed lists kept here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kb.content.suggest import did_you_mean

#: Topic folder -> Chinese section name, in the order a learner reads them: the navigation,
#: the home page's topic cards and the practice filters follow it (kb.site.reading).
TOPICS: dict[str, str] = {
    "ml": "经典机器学习",
    "evaluation": "模型评估",
    "generalization": "泛化与正则化",
    "data": "数据",
    "ensemble": "集成与调参",
    "dl": "深度学习基础",
    "training": "训练与优化",
    "transformer": "Transformer 与预训练",
    "llm": "NLP 与大模型",
    "distributed": "分布式与并行",
    "compression": "模型压缩",
    "deployment": "部署与推理",
    "transfer": "迁移与适应",
    "trust": "可信 AI",
    "coding": "编程题",
    "industry": "产业与伦理",
}

#: The allowed tags, in groups. Add one here (and only here) when no existing tag fits.
TAG_GROUPS: dict[str, tuple[str, ...]] = {
    "评估与泛化": ("评估指标", "交叉验证", "过拟合", "欠拟合", "正则化", "泛化"),
    "数据": ("数据质量", "数据预处理", "数据增强", "类别不平衡", "标签噪声", "特征工程"),
    "经典方法": ("集成学习", "超参数", "无监督学习", "强化学习", "从零实现", "分类算法",
             "线性模型", "决策树", "支持向量机", "降维", "聚类", "损失函数", "概率与信息论"),
    "深度学习基础": ("反向传播", "激活函数", "参数初始化", "归一化", "卷积神经网络", "循环神经网络", "计算机视觉"),
    "训练": ("优化器", "学习率", "梯度", "训练加速", "混合精度", "显存", "计算资源", "能耗"),
    "分布式与压缩": ("分布式训练", "模型压缩", "量化", "剪枝", "知识蒸馏"),
    "部署": ("部署", "推理优化", "边缘设备", "模型格式", "MLOps", "框架选型"),
    "迁移与适应": ("迁移学习", "领域自适应", "多任务学习", "在线学习", "元学习", "多模态"),
    "可信": ("可解释性", "鲁棒性", "对抗样本", "安全", "隐私", "联邦学习", "公平性"),
    "NLP 与大模型": ("中文分词", "序列模型", "Transformer", "长文本", "大模型", "NLP 应用",
                 "注意力机制", "位置编码", "Tokenizer", "词向量", "预训练", "解码策略", "KV 缓存", "混合专家",
                 "参数高效微调", "RAG", "幻觉", "提示工程", "大模型评估", "智能体"),
    "产业": ("创业", "伦理", "监管", "人才", "产业"),
    "工具": ("PyTorch", "scikit-learn", "NumPy"),
}

#: The allowed tags, flat.
TAGS: tuple[str, ...] = tuple(tag for group in TAG_GROUPS.values() for tag in group)

#: Where a page comes from: merged raw-bank items, or written for the knowledge base.
ORIGINS: tuple[str, ...] = ("raw", "written")

#: Difficulty levels, easiest first.
DIFFICULTIES: tuple[str, ...] = ("基础", "进阶", "高级")

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Field:
    """One front matter key.

    Attributes:
        name: The YAML key.
        kind: Human-readable type, shown in CONTRIBUTING.md.
        required: Whether every page must have it.
        doc: What it means, shown in CONTRIBUTING.md.
    """

    name: str
    kind: str
    required: bool
    doc: str


#: Keys of one ``corrections`` entry, with their meaning.
CORRECTION_KEYS: dict[str, str] = {
    "source": "勘误所针对的原始题目，写作 `文件名:行号`（行号为该题标题所在行），必须是本页合并的题目之一",
    "original": "原始题库中的错误或误导性说法，照录原文（按纯文本显示，Markdown 与 HTML 原样转义）",
    "correction": "正确的说法（Markdown，可写公式；与正文一样检查）",
    "why": "为什么原说法不对，依据是什么（论文、教材或官方文档）（Markdown，与正文一样检查）",
}

FIELDS: tuple[Field, ...] = (
    Field("id", "字符串（小写字母、数字和连字符）", True,
          "页面的稳定标识，全站唯一；与文件名相同（不含 `.md`）。改名时保持不变以免链接失效。"),
    Field("title", "字符串", True, "读者会这样问的问题，即页面标题（页面正文不再写一级标题）。"),
    Field("topic", "字符串，取值见下方主题表", True, "所属主题，必须与页面所在文件夹同名。"),
    Field("tags", "字符串列表，取值见下方标签表", True, "标签，至少一个，只能使用允许的标签。"),
    Field("difficulty", "`基础` / `进阶` / `高级`", True, "难度。"),
    Field("aliases", "字符串列表", True,
          "读者搜索这个问题时可能用的其他说法（如 “泛化差”“测试集效果差”），用于站内搜索和 `kb import` 的匹配。"
          "一种问法只属于回答它的那一页：同一条 alias（不计大小写和空格）出现在两页上，或等于另一页的标题，"
          "`kb check` 和构建会在每一页上指出它和另一页；它也不能是本页“面试追问”里的一问（追问是另一个问题）。"
          "只有一到三个英文词的 alias（如 `GloVe`、`GroupNorm`）是让搜索找到本页的关键词，`kb import` 不把它当作"
          "本页问题的问法：本页的标题和其他 alias 都没说到、全站至多 3 页提到的方法（一句话回答、小标题和正文里"
          "点名的方法是答案用到的东西），专问它的新题判为 `maybe`，要人判断。"),
    Field("corrections", "列表，每项含 " + "、".join(f"`{k}`" for k in CORRECTION_KEYS), False,
          "对原始题库错误说法的勘误；全站勘误页由此生成。"),
    Field("related", "页面 id 列表", False, "相关问题，生成在页面末尾的 “相关问题” 一节。"),
    Field("origin", "`raw` / `written`（默认 `raw`）", False,
          "`raw`：本页合并原始题库中的题目（见 `sources/mapping.yml`）；`written`：本页是为知识库专门撰写的"
          "经典面试题，不来自任何原始题库，因此不得有 `corrections`，也不得出现在来源映射中。"),
    Field("last_reviewed", "日期 `YYYY-MM-DD`", False,
          "最近一次人工核对事实的日期；产业、法规等非技术问题必填。"),
)

#: Topics whose pages state facts that age (laws, markets) and so need ``last_reviewed``.
DATED_TOPICS: frozenset[str] = frozenset({"industry"})


def validate_front_matter(meta: object, *, topic_dir: str, stem: str) -> list[tuple[str, str]]:
    """Check one page's front matter against the schema.

    Args:
        meta: The parsed YAML front matter.
        topic_dir: The folder the page lives in.
        stem: The page's file name without ``.md``.

    Returns:
        ``(key, message)`` pairs, one per problem; empty when the front matter is valid.
        ``key`` names the offending key so callers can point at its line.
    """
    if not isinstance(meta, dict):
        return [("", "front matter 必须是 `键: 值` 形式的 YAML 映射。请对照 CONTRIBUTING.md 的 Front matter 参考")]
    problems: list[tuple[str, str]] = []
    known = {f.name for f in FIELDS}
    for key in meta:
        if key not in known:
            problems.append((str(key), f"未知的 front matter 键 {key!r}。{did_you_mean(key, known)}"
                             "允许的键见 CONTRIBUTING.md 的 Front matter 参考"))
    for f in FIELDS:
        if f.required and f.name not in meta:
            problems.append(("", f"缺少必填的 front matter 键 {f.name!r}（{f.doc}）。请补上"))

    def bad(key: str, message: str) -> None:
        problems.append((key, message))

    if "id" in meta:
        if not isinstance(meta["id"], str) or not ID_PATTERN.match(meta["id"]):
            bad("id", f"id {meta['id']!r} 只能由小写字母、数字和连字符组成，如 bias-variance。请改写")
        elif meta["id"] != stem:
            bad("id", f"id {meta['id']!r} 必须与文件名 {stem!r} 相同。请把 id 改成 {stem!r}，或给文件改名")
    if "title" in meta and (not isinstance(meta["title"], str) or not meta["title"].strip()):
        bad("title", "title 必须是非空字符串：读者会这样问的问题。请补上")
    if "topic" in meta:
        if meta["topic"] not in TOPICS:
            bad("topic", f"未知的主题 {meta['topic']!r}。{did_you_mean(meta['topic'], TOPICS)}"
                f"可选：{'、'.join(TOPICS)}")
        elif meta["topic"] != topic_dir:
            bad("topic", f"topic {meta['topic']!r} 与页面所在文件夹 {topic_dir!r} 不一致。"
                f"请改成 {topic_dir!r}，或把页面移到 docs/{meta['topic']}/")
    if "tags" in meta:
        tags = meta["tags"]
        if not isinstance(tags, list) or not tags:
            bad("tags", "tags 必须是至少含一个标签的列表，如 [过拟合, 正则化]")
        else:
            for tag in tags:
                if tag not in TAGS:
                    bad("tags", f"未知的标签 {tag!r}。{did_you_mean(tag, TAGS)}"
                        "允许的标签见 CONTRIBUTING.md 的 Front matter 参考（“允许的标签”）")
    if "difficulty" in meta and meta["difficulty"] not in DIFFICULTIES:
        bad("difficulty", f"未知的难度 {meta['difficulty']!r}。请从 {' / '.join(DIFFICULTIES)} 中选一个")
    for key in ("aliases", "related"):
        value = meta.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) and v for v in value)
        ):
            bad(key, f"{key} 必须是非空字符串的列表，如 [a, b]")
    corrections = meta.get("corrections")
    if corrections is not None:
        if not isinstance(corrections, list):
            bad("corrections", "corrections 必须是列表，每项以 `- ` 开头")
        else:
            for i, entry in enumerate(corrections, 1):
                if not isinstance(entry, dict) or set(entry) != set(CORRECTION_KEYS):
                    extra = sorted(set(entry) - set(CORRECTION_KEYS)) if isinstance(entry, dict) else []
                    hint = "".join(did_you_mean(k, CORRECTION_KEYS) for k in extra)
                    bad("corrections", f"第 {i} 条勘误必须恰好有这几个键："
                        + "、".join(CORRECTION_KEYS) + (f"（多了 {'、'.join(map(str, extra))}）" if extra else "")
                        + f"。{hint}")
                    continue
                for k in CORRECTION_KEYS:
                    if not isinstance(entry[k], str) or not entry[k].strip():
                        bad("corrections", f"第 {i} 条勘误：{k!r} 必须是非空字符串。请补上")
    origin = meta.get("origin", "raw")
    if origin not in ORIGINS:
        bad("origin", f"未知的来源类型 origin {origin!r}。{did_you_mean(origin, ORIGINS)}"
            f"请从 {' / '.join(ORIGINS)} 中选一个")
    elif origin == "written" and meta.get("corrections"):
        bad("corrections", "origin 为 'written' 的页面没有原始题库的说法可更正。请删掉 corrections")
    reviewed = meta.get("last_reviewed")
    if reviewed is not None and not isinstance(reviewed, dt.date):
        bad("last_reviewed", "last_reviewed 必须是日期 YYYY-MM-DD，如 2026-12-01（不要加引号）")
    if topic_dir in DATED_TOPICS and reviewed is None:
        bad("", f"{topic_dir!r} 主题的页面必须写 last_reviewed（最近一次核对事实的日期）。请补上")
    return problems


def reference() -> str:
    """The front matter reference in Markdown (embedded in CONTRIBUTING.md by ``kb schema``)."""
    out = ["| 键 | 类型 | 必填 | 含义 |", "|---|---|---|---|"]
    out += [f"| `{f.name}` | {f.kind} | {'是' if f.required else '否'} | {f.doc} |" for f in FIELDS]
    out += ["", "`corrections` 的每一项：", "", "| 键 | 含义 |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in CORRECTION_KEYS.items()]
    out += ["", "主题（`topic`，即 `docs/` 下的文件夹）：", "", "| topic | 栏目 |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in TOPICS.items()]
    out += ["", f"难度（`difficulty`）：{' / '.join(f'`{d}`' for d in DIFFICULTIES)}", "",
            "允许的标签（`tags`），按类别：", ""]
    out += [f"- {group}：" + "、".join(f"`{t}`" for t in tags) for group, tags in TAG_GROUPS.items()]
    out.append("")
    return "\n".join(out)
