"""Sentence meaning from a local sentence-embedding model, when a maintainer supplies one.

Words and co-occurrence cannot see that "训练集上几乎全对，一上线就频繁出错" asks the
overfitting question; a model trained on millions of Chinese sentence pairs can. kb
ships no such model and downloads nothing: ``kb import --meaning-model DIR`` (or the
``KB_MEANING_MODEL`` environment variable) names a folder already on disk that holds a
BERT-style sentence encoder in Hugging Face's layout (``config.json``, the weights and
the tokenizer files). Its mean-pooled, unit-length sentence vectors give one more score
per page, the best cosine between the question and the page's title, aliases and one-line
answer (:meth:`kb.retrieval.match.Index.score_matrices`), which joins the ranking blend
and the verdict model's features. Without a model the matcher is exactly the lexical one.

The model's licence is the maintainer's to check: m3e-small, measured in CONTRIBUTING,
is for non-commercial research use only, which is why it is not a dependency.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kb.errors import UsageError

#: Environment variable naming the model folder (``--meaning-model`` overrides it).
ENV = "KB_MEANING_MODEL"
#: Tokens per text: questions are short, and a page's texts are a title, an alias, a summary.
MAX_TOKENS = 64
BATCH = 128


class MeaningModelError(UsageError):
    """The model folder cannot be used (what is wrong, then what to do)."""


class SentenceModel:
    """A sentence encoder loaded from a local folder, never from the network.

    Args:
        path: A folder in Hugging Face's layout (``config.json``, weights, tokenizer).

    Raises:
        MeaningModelError: The folder is missing, incomplete, or transformers is not installed.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not (self.path / "config.json").is_file():
            raise MeaningModelError(f"{self.path}: 这里没有句向量模型（找不到 config.json）；"
                                    f"--meaning-model / {ENV} 要指向一个本地模型目录")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder: never ask the hub
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise MeaningModelError(f"句向量模型需要 transformers：pip install -e '.[meaning]'（{exc}）") from None
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()  # "Loading weights" bars would interleave with the report
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            self.model = AutoModel.from_pretrained(self.path, local_files_only=True).eval()
        except (OSError, ValueError) as exc:
            raise MeaningModelError(f"{self.path}: 读不出句向量模型（{exc}）") from None
        self._torch = torch
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length sentence vectors, one row per text (float32).

        Texts are batched by length (little padding) and each distinct text is encoded
        once; a text's vector does not depend on the others in its batch.
        """
        torch = self._torch
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        todo.sort(key=len)
        with torch.inference_mode():
            for start in range(0, len(todo), BATCH):
                chunk = todo[start:start + BATCH]
                batch = self.tokenizer(chunk, padding=True, truncation=True, max_length=MAX_TOKENS,
                                       return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                vectors = torch.nn.functional.normalize(mean, dim=-1).numpy().astype(np.float32)
                self._cache.update(zip(chunk, vectors))
        width = self.model.config.hidden_size
        return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, width), np.float32)


def from_setting(path: str | Path | None = None) -> SentenceModel | None:
    """The model named by ``path`` or by :data:`ENV`; ``None`` when neither names one."""
    chosen = path or os.environ.get(ENV, "")
    return SentenceModel(chosen) if str(chosen).strip() else None


def best_per_page(sims: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per query, the best similarity among each page's texts (texts grouped by page, in order).

    Args:
        sims: Queries x texts.
        starts: Index of each page's first text (every page has at least one).
    """
    return np.maximum.reduceat(sims, starts, axis=1)
