"""Benchmark: how well ``kb import`` tells a reworded question from a new one, and how it scales.

Run:  .venv/bin/python benchmarks/import_quality.py [--set NAME] [--scale 1000:1 10000:10] [--no-scale]

Quality, on each labelled set of ``sources/labelled/`` (:data:`SETS`): ``import_set.txt``
(labels in ``import_set.yml``), written before any tuning and tuned on since, and every
holdout ``import_holdout*.txt`` (``import_holdout*.yml``), each written before the changes
it checks and never tuned on. ``kb import`` learns from every labelled set; each set here
is measured with a matcher that learned from all the others but not from it:

- the confusion of kind (rewording / near-miss / new) against verdict; a ``duplicate``
  of a rewording counts as right only when it names the labelled page;
- precision and recall of ``duplicate``, the ``maybe`` rate, accuracy (``maybe`` counts
  as not right), and the per-kind rates the issue sets as targets;
- the same cuts on the mapping-derived calibration pairs the verdict model learns from;
- then all sets together: the summed counts against the same targets, and which sets
  meet all four at once (the issue's measure).

Then the bank's own raw items (:func:`own_items`), whose answers are as long as a real
raw bank's (the labelled sets' are short): imported again, and each against the pages
with itself left out.

Scale: a synthetic bank of N items against a page set of M times the real pages, made
from the real pages and items by swapping in synthetic topic terms (random CJK
characters), so topics are as diverse as in a large bank. Each size runs in a fresh
subprocess so its peak memory (max RSS) is its own. Reported: wall time of building the
matcher (index, latent space, verdict model trained on the enlarged mapping and on the
labelled sets, their pages renamed to the first copies) and of matching every item, the
process's CPU time, the machine's load, and peak memory.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

KINDS = ("rewording", "near-miss", "new")
VERDICTS = ("duplicate", "wrong page", "maybe", "new")
#: The two rules that overrule the verdict model (:class:`~kb.retrieval.match.Result`): what each makes of a verdict.
RULES = {"unknown term": "new", "mentioned in passing": "maybe"}
TARGETS = {"rewording duplicate of the right page": (">=", 0.90),
           "near misses called duplicate": ("<=", 1 / 8),
           "new items called new": (">=", 0.90),
           "maybe, of all items": ("<=", 0.15)}


LABELLED = ROOT / "sources" / "labelled"


def _holdout_number(bank: Path) -> int:
    return int(bank.stem[len("import_holdout"):] or 1)


#: Labelled sets by name: the first written before any tuning and used to tune; the holdouts
#: written later, each before the changes it checks, and never tuned on.
SETS = ["import_set", *(p.stem for p in sorted(LABELLED.glob("import_holdout*.txt"), key=_holdout_number))]


@functools.lru_cache(maxsize=1)
def shared() -> tuple:
    """The project, its matcher, the mapping's pairs and each labelled set's feature rows (built once)."""
    from kb.project import Project
    from kb.retrieval.match import Matcher
    from kb.retrieval.meaning import from_setting
    from kb.retrieval.verdict import example_pairs, mapping_pairs

    project = Project(ROOT)
    matcher = Matcher.for_project(project, from_setting(), labelled=[])
    rows = {s.name: example_pairs(matcher.index, matcher.examples([s])) for s in project.labelled}
    return project, matcher, mapping_pairs(matcher.index), rows


def quality(name: str = "import_set") -> dict:
    """Run ``kb import``'s core on one labelled set, the verdict model learned from all others; return the rates.

    The model is what :class:`~kb.retrieval.match.Matcher` trains for ``kb import``, with
    this set's rows left out of its examples (the index is the same, so it is built once).
    """
    import numpy as np

    from kb.retrieval.verdict import VerdictModel

    project, matcher, pairs, rows = shared()
    measured = next(s for s in project.labelled if s.name == name)
    others = [s for s in project.labelled if s.name != name]
    matcher.model = VerdictModel().fit(pairs, (np.vstack([rows[s.name][0] for s in others]),
                                               np.concatenate([rows[s.name][1] for s in others])))
    labelled = measured.labelled_items()
    items = [item for item, _ in labelled]
    results = matcher.match_items(items)
    confusion: Counter = Counter()
    rules: Counter = Counter()  # (rule, kind): items whose model verdict the rule overruled
    misses = []
    for (item, label), result in zip(labelled, results):
        kind, verdict = label.kind, result.verdict
        if verdict == "duplicate" and kind == "rewording" and result.page != label.page:
            verdict = "wrong page"
        confusion[(kind, verdict)] += 1
        if result.unnamed:
            rules[("unknown term", kind)] += 1  # only looked for when the model did not say new
        if result.in_passing:
            rules[("mentioned in passing", kind)] += 1  # only looked for on a duplicate
        right = verdict == "duplicate" if kind == "rewording" else verdict == "new"
        if not right:
            misses.append(f"  {kind:9} -> {verdict:10} p={result.probability:.2f} "
                          f"top={result.page} want={label.page if kind == 'rewording' else 'new'}  {item.title}")
    n = {k: sum(confusion[(k, v)] for v in VERDICTS) for k in KINDS}
    said_dup = sum(confusion[(k, v)] for k in KINDS for v in ("duplicate", "wrong page"))
    right_dup = confusion[("rewording", "duplicate")]
    rates = {
        "rewording duplicate of the right page": right_dup / n["rewording"],
        "near misses called duplicate": sum(confusion[("near-miss", v)] for v in ("duplicate", "wrong page"))
        / n["near-miss"],
        "new items called new": confusion[("new", "new")] / n["new"],
        "maybe, of all items": sum(confusion[(k, "maybe")] for k in KINDS) / len(items),
    }
    model = matcher.model
    x, y = model.calibration
    p = model.probability(x)
    calib = {
        "pairs": int(len(y)), "positives": int(y.sum()),
        "positives duplicate": float((p[y == 1] >= model.duplicate_at).mean()),
        "positives maybe": float(((p[y == 1] >= model.new_below) & (p[y == 1] < model.duplicate_at)).mean()),
        "negatives duplicate": float((p[y == 0] >= model.duplicate_at).mean()),
        "negatives maybe": float(((p[y == 0] >= model.new_below) & (p[y == 0] < model.duplicate_at)).mean()),
    }
    return {
        "set": name, "items": len(items), "learned_from": [s.name for s in others], "per_kind": n,
        "confusion": {f"{k}|{v}": confusion[(k, v)] for k in KINDS for v in VERDICTS},
        "duplicate_precision": right_dup / max(1, said_dup), "duplicate_recall": right_dup / n["rewording"],
        "accuracy": (right_dup + confusion[("near-miss", "new")] + confusion[("new", "new")]) / len(items),
        "rates": rates, "cuts": (model.duplicate_at, model.new_below), "calibration": calib, "misses": misses,
        "rules": {f"{rule}|{k}": rules[(rule, k)] for rule in RULES for k in KINDS},
    }


def own_items() -> dict:
    """The bank's own raw items as imports: long, seed-style answers the labelled sets lack.

    ``again``: the raw files imported again as they are (each item is its own copy in the
    bank). ``alone``: each item against the pages with itself left out of the references,
    as the verdict model's calibration pairs see it: is its page ranked first?
    """
    from kb.project import Project
    from kb.retrieval.fields import item_fields
    from kb.retrieval.match import Matcher
    from kb.retrieval.meaning import from_setting
    from kb.retrieval.verdict import top_features

    project = Project(ROOT)
    matcher = Matcher.for_project(project, from_setting())
    items = project.items
    again = matcher.match_items(items)
    index = matcher.index
    s = index.score_matrices([item_fields(i) for i in index.via_items], exclude=[i.key for i in index.via_items])
    order, _ = top_features(s)
    return {"items": len(items),
            "again duplicate of its page": sum((r.verdict, r.page) == ("duplicate", project.entries[i.key].page)
                                               for i, r in zip(items, again)),
            "merged": len(index.via_items), "alone page first": int((order[:, 0] == index.via_page_arr).sum())}


def met(rates: dict) -> dict[str, bool]:
    """Per target of :data:`TARGETS`: whether ``rates`` meet it."""
    return {name: rates[name] >= target if op == ">=" else rates[name] <= target
            for name, (op, target) in TARGETS.items()}


def overall(results: list[dict]) -> dict:
    """All measured sets together: summed counts, their rates, and the sets meeting all four targets."""
    n = {k: sum(q["per_kind"][k] for q in results) for k in KINDS}
    c, rules = Counter(), Counter()
    for q in results:
        c.update(q["confusion"])
        rules.update(q["rules"])
    items = sum(q["items"] for q in results)
    counts = {"rewording duplicate of the right page": c["rewording|duplicate"],
              "near misses called duplicate": c["near-miss|duplicate"] + c["near-miss|wrong page"],
              "new items called new": c["new|new"],
              "maybe, of all items": sum(c[f"{k}|maybe"] for k in KINDS)}
    of = {"rewording duplicate of the right page": n["rewording"], "near misses called duplicate": n["near-miss"],
          "new items called new": n["new"], "maybe, of all items": items}
    return {"sets": len(results), "items": items, "counts": counts, "of": of,
            "rates": {name: counts[name] / max(1, of[name]) for name in TARGETS},
            "all four met": [q["set"] for q in results if all(met(q["rates"]).values())], "rules": dict(rules)}


def print_overall(o: dict) -> None:
    """Print :func:`overall`'s result."""
    print(f"\n==================== all {o['sets']} labelled sets ({o['items']} items) ====================")
    for name, ok in met(o["rates"]).items():
        op, target = TARGETS[name]
        print(f"  {name:40} {o['counts'][name]:>4}/{o['of'][name]:<4} {o['rates'][name]:6.1%}  "
              f"target {op} {target:.1%}  {'met' if ok else 'NOT met'}")
    print(f"  sets meeting all four targets: {len(o['all four met'])} of {o['sets']} "
          f"({', '.join(o['all four met']) or 'none'})")
    print_rules(o["rules"])


def print_rules(rules: dict) -> None:
    """Per rule of :data:`RULES`: on how many items of each kind it overruled the verdict model."""
    for rule, verdict in RULES.items():
        print(f"  rule '{rule}' made {verdict}: " + ", ".join(f"{rules[f'{rule}|{k}']} {k}" for k in KINDS))


def print_quality(q: dict) -> None:
    """Print :func:`quality`'s result as tables."""
    print(f"labelled set sources/labelled/{q['set']}.txt: {q['items']} items "
          + ", ".join(f"{n} {k}" for k, n in q["per_kind"].items()))
    print(f"verdict model learned from the mapping and {len(q['learned_from'])} other labelled sets, not this one")
    print(f"cuts (calibrated on the mapping): duplicate at p >= {q['cuts'][0]:.2f}, new below {q['cuts'][1]:.2f}")
    print(f"\n{'kind':10}" + "".join(f"{v:>12}" for v in VERDICTS))
    for k in KINDS:
        print(f"{k:10}" + "".join(f"{q['confusion'][f'{k}|{v}']:>12}" for v in VERDICTS))
    print(f"\nduplicate precision {q['duplicate_precision']:.2f}  recall {q['duplicate_recall']:.2f}  "
          f"accuracy {q['accuracy']:.2f}")
    for name, ok in met(q["rates"]).items():
        op, target = TARGETS[name]
        print(f"  {name:40} {q['rates'][name]:6.1%}  target {op} {target:.1%}  {'met' if ok else 'NOT met'}")
    print_rules(q["rules"])
    c = q["calibration"]
    print(f"\ncalibration pairs from the mapping: {c['pairs']} ({c['positives']} positive)")
    print(f"  positives: {c['positives duplicate']:.1%} duplicate, {c['positives maybe']:.1%} maybe")
    print(f"  negatives: {c['negatives duplicate']:.1%} duplicate, {c['negatives maybe']:.1%} maybe")
    if q["misses"]:
        print("\nnot right:")
        print("\n".join(q["misses"]))


def synthetic(items_n: int, page_factor: int, seed: int = 0):
    """Pages (``page_factor`` x the real ones), their merged items, the mapping, and a new bank."""
    from kb.bank.mapping import Entry
    from kb.bank.parse import Item
    from kb.project import Project

    project = Project(ROOT)
    rng = random.Random(seed)
    common = [chr(c) for c in range(0x4E00, 0x9FA5)]

    def term() -> str:
        return "".join(rng.choice(common) for _ in range(rng.randint(3, 5)))

    real_pages, real_items = project.pages, project.items
    by_page: dict[str, list] = {}
    for item in real_items:
        entry = project.entries.get(item.key)
        if entry and entry.page:
            by_page.setdefault(entry.page, []).append(item)
    pages, bank, entries = [], [], {}
    for copy_n in range(page_factor):
        for page in real_pages:
            t = term()
            clone = copy.copy(page)
            clone.meta = dict(page.meta)
            clone.meta["title"] = f"{t}：{page.meta.get('title', '')}"
            clone.meta["aliases"] = [f"{t}{a}" for a in page.meta.get("aliases") or []]
            rel = "/".join(Path(str(page.path)).parts[-2:])
            clone.path = Path(str(page.path)).with_name(f"c{copy_n}-{Path(str(page.path)).name}")
            clone.body = page.body.replace("模型", t)
            pages.append(clone)
            new_rel = "/".join(clone.path.parts[-2:])
            for item in by_page.get(rel, []):
                copied = Item(f"c{copy_n}.txt", item.line, item.number, f"{t}{item.heading}",
                              f"{t}{item.title}", f"{t}{item.question}", item.answer.replace("模型", t))
                bank.append(copied)
                entries[copied.key] = Entry(copied.file, copied.line, "merged", new_rel, None, 1)
    new = []
    for k in range(items_n):
        base = rng.choice(real_items)
        t = term()
        new.append(Item("new.txt", k + 1, str(k + 1), f"{t}{base.heading}", f"{t}{base.title}",
                        f"{t}{base.question}", base.answer[:600].replace("模型", t)))
    return pages, bank, entries, new, project


def first_copies(sets: list) -> list:
    """The labelled sets with each page they name renamed to its first synthetic copy (``topic/c0-page.md``)."""
    out = []
    for found in sets:
        clone = copy.copy(found)
        clone.labels = {line: dataclasses.replace(label, page=label.page and label.page.replace("/", "/c0-", 1))
                        for line, label in found.labels.items()}
        out.append(clone)
    return out


def run_one(items_n: int, page_factor: int) -> dict:
    """One scale measurement (run in its own process)."""
    from kb.retrieval.analyzer import Analyzer
    from kb.retrieval.match import Matcher
    from kb.retrieval.meaning import from_setting

    pages, bank, entries, new, project = synthetic(items_n, page_factor)
    start = time.perf_counter()
    matcher = Matcher(pages, bank, entries, Analyzer.for_project(project.root), from_setting(),
                      first_copies(project.labelled))
    built = time.perf_counter()
    results = matcher.match_items(new)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"items": items_n, "pages": len(pages), "bank": len(bank),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "load_1min": round(os.getloadavg()[0], 1),
            "build_s": round(built - start, 1), "match_s": round(done - built, 1),
            "total_s": round(done - start, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "verdicts": dict(Counter(r.verdict for r in results))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", nargs="*", default=["1000:1", "10000:10"],
                        help="ITEMS:PAGE_FACTOR pairs, each measured in a fresh process")
    parser.add_argument("--no-scale", action="store_true", help="quality only")
    parser.add_argument("--set", choices=SETS, action="append", help="labelled set(s) to measure (default: all)")
    parser.add_argument("--meaning-model", metavar="DIR",
                        help="also match with this local sentence model (default: $KB_MEANING_MODEL)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from kb.retrieval.meaning import ENV

    if args.meaning_model:
        os.environ[ENV] = args.meaning_model  # the scale runs are subprocesses
    if not args.one:
        print("sentence model:", os.environ.get(ENV) or "none (lexical)")
    if args.one:
        items_n, factor = map(int, args.one.split(":"))
        print(json.dumps(run_one(items_n, factor)))
        return
    results = []
    for k, name in enumerate(args.set or SETS):
        print("\n" * (k > 0) + "=" * 20, name, "=" * 20)
        results.append(quality(name))
        print_quality(results[-1])
    if len(results) > 1:
        print_overall(overall(results))
    if not args.set:
        o = own_items()
        print(f"\n==================== the bank's own raw items ({o['items']}) ====================")
        print(f"  imported again: {o['again duplicate of its page']}/{o['items']} duplicate of the page the mapping "
              "gave them")
        print(f"  each against the pages without itself: its page first for {o['alone page first']}/{o['merged']}")
    if args.no_scale:
        return
    print(f"\n{'items':>7} {'pages':>6} {'bank':>6} {'build s':>8} {'match s':>8} {'total s':>8} {'CPU s':>6} "
          f"{'load':>5} {'peak MiB':>9}")
    for spec in args.scale:
        out = subprocess.run([sys.executable, __file__, "--one", spec], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['items']:>7} {r['pages']:>6} {r['bank']:>6} {r['build_s']:>8} {r['match_s']:>8} "
              f"{r['total_s']:>8} {r['cpu_s']:>6} {r['load_1min']:>5} {r['peak_rss_mib']:>9}   {r['verdicts']}")
    print("(total s: wall time of building the matcher and matching every item; CPU s: the process's "
          "own CPU time, which the machine's load does not inflate; load: 1-minute load average)")


if __name__ == "__main__":
    main()
