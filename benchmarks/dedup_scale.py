"""Benchmark: near-duplicate detection on synthetic banks of 10,000 and 100,000 items.

Run:  .venv/bin/python benchmarks/dedup_scale.py [--sizes 10000 100000]

Synthetic items are made from the real ones: each takes a real item's question and
answer and swaps in a synthetic topic term (random CJK characters), so topics are
as diverse as in a real large bank; 10% are planted rewordings of another
synthetic item (template changed, "AI 大模型" added or dropped). Each size runs in a
fresh subprocess so peak memory (max RSS) is its own. Reported: wall time, peak
memory, candidate pairs scored (versus all n(n-1)/2 pairs), recall of the planted
duplicates, and time ratios between sizes.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ["如何处理{t}问题？", "{t}问题如何解决？", "AI 大模型训练中的{t}有哪些方法？",
             "描述{t}的原理和常见做法。", "什么是{t}？在大模型中如何使用？"]


def synthetic_bank(n: int, seed: int = 0):
    """``n`` (question, answer) docs and the index pairs of the planted duplicates."""
    sys.path.insert(0, str(ROOT / "src"))
    from kb.bank.matching import item_doc
    from kb.project import Project

    real = [item_doc(i) for i in Project(ROOT).items]
    rng = random.Random(seed)
    common = [chr(c) for c in range(0x4E00, 0x9FA5)]
    docs, planted = [], []
    n_base = int(n / 1.1)
    for _ in range(n_base):
        term = "".join(rng.choice(common) for _ in range(rng.randint(3, 5)))
        base = rng.choice(real)
        q = rng.choice(TEMPLATES).format(t=term)
        docs.append((q, f"{term}：" + base.answer[:400].replace("大模型", term)))
    while len(docs) < n:
        k = rng.randrange(n_base)
        q, a = docs[k]
        term = a.split("：", 1)[0]
        other = rng.choice([t for t in TEMPLATES if t.format(t=term) != q]).format(t=term)
        planted.append((k, len(docs)))
        docs.append((other, a[: len(a) * 3 // 4]))
    return docs, planted


def run_one(n: int) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from kb.bank import dedup

    docs, planted = synthetic_bank(n)
    docs = [dedup.Doc(q, a) for q, a in docs]
    start = time.perf_counter()
    candidates = dedup.lsh_candidates([d.question for d in docs])
    pairs = dedup.scored_pairs(docs, exact=False)
    seconds = time.perf_counter() - start
    found = {(a, b) for a, b, _ in pairs}
    recall = sum((min(p), max(p)) in found for p in planted) / len(planted)
    return {"n": n, "seconds": round(seconds, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "candidate_pairs": int(len(candidates)), "all_pairs": n * (n - 1) // 2,
            "duplicate_pairs": len(pairs), "planted_recall": round(recall, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True,
                             text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'items':>8} {'seconds':>8} {'peak MiB':>9} {'scored pairs':>13} {'of all pairs':>13} "
          f"{'planted recall':>15}")
    for r in rows:
        share = r["candidate_pairs"] / r["all_pairs"]
        print(f"{r['n']:>8} {r['seconds']:>8} {r['peak_rss_mib']:>9} {r['candidate_pairs']:>13} "
              f"{share:>13.2e} {r['planted_recall']:>15}")
    for a, b in zip(rows, rows[1:]):
        print(f"{b['n'] // a['n']}x items -> {b['seconds'] / a['seconds']:.1f}x time, "
              f"{b['candidate_pairs'] / max(1, a['candidate_pairs']):.1f}x scored pairs "
              f"(quadratic would be {(b['n'] / a['n']) ** 2:.0f}x)")


if __name__ == "__main__":
    main()
