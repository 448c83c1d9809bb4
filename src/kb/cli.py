"""The ``kb`` command: ingest raw banks, account for sources, check pages, scaffold, update outputs."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from kb.bank.dedup import THRESHOLD as DEDUP_THRESHOLD
from kb.bank.dedup import clusters, scored_pairs
from kb.bank.matching import item_doc
from kb.bank.parse import BankError, Item, parse_bank
from kb.errors import KbError, UsageError
from kb.project import Project

if TYPE_CHECKING:
    from kb.bank.mapping import Entry
    from kb.retrieval.match import Result


def build_parser() -> argparse.ArgumentParser:
    """The ``kb`` command line (its subcommands and options are what the docs may quote)."""
    parser = argparse.ArgumentParser(prog="kb", description=__doc__)
    parser.add_argument("--root", type=Path, help="project root (default: found from the cwd)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="parse the raw banks; summary and proposed duplicate clusters")
    p.add_argument("--labelled", type=Path, help="report precision/recall on labelled pairs")
    sub.add_parser("sources", help="where every raw item went").add_argument(
        "--json", action="store_true", help="one JSON object per item")
    p = sub.add_parser("import", help="per item of a new bank: closest pages and duplicate/maybe/new")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object per item")
    p.add_argument("--meaning-model", metavar="DIR", default=None,
                   help="a local sentence-embedding model folder to match by meaning too "
                        "(default: $KB_MEANING_MODEL; none: lexical only)")
    p = sub.add_parser("check", help="every static check of pages and mapping (no execution)")
    p.add_argument("--no-duplicates", action="store_true", help="skip the page duplicate check")
    p = sub.add_parser("new", help="scaffold a question page")
    p.add_argument("--id", help="page id: lowercase words joined by '-', e.g. bias-variance")
    p.add_argument("--title", help="the question, as a reader asks it")
    p.add_argument("--topic", help="topic folder (asked with the list when missing)")
    p.add_argument("--tags", help="comma-separated tags (asked with the grouped list when missing)")
    p.add_argument("--difficulty", help="基础 / 进阶 / 高级")
    p.add_argument("--source", action="append", default=[],
                   help="raw item file:line this page merges (updates sources/mapping.yml)")
    p.add_argument("--move", action="store_true",
                   help="allow --source items already merged into another page (moves them here)")
    p = sub.add_parser("update-output", help="rewrite stated outputs from real runs")
    p.add_argument("pages", nargs="*", type=Path, help="pages (default: all question pages)")
    p.add_argument("--check", action="store_true", help="only report pages whose output is stale")

    p = sub.add_parser("pdf", help="print the whole bank to one PDF (headless Chromium)")
    p.add_argument("-o", "--output", type=Path, default=Path("kb.pdf"), help="the PDF to write (default kb.pdf)")
    p.add_argument("--site-dir", type=Path, help="an already built site (default: build one now)")

    p = sub.add_parser("schema", help="print the front matter reference (or refresh CONTRIBUTING.md)")
    p.add_argument("--write", type=Path, help="replace the reference between the kb:schema markers")

    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kb`` command."""
    args = build_parser().parse_args(argv)
    try:
        project = Project(args.root.resolve()) if args.root else Project.find()
        return COMMANDS[args.command](project, args)
    except KbError as exc:
        print(f"kb {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `kb sources --json | head`
        sys.stderr.close()
        return 0


def cmd_ingest(project: Project, args) -> int:
    """Summarise the raw banks and propose duplicate clusters."""
    items = project.items
    print(f"{len(items)} items in {len(project.bank_paths)} banks")
    for path in project.bank_paths:
        per = [i for i in items if i.file == path.name]
        series = Counter(i.series for i in per)
        shape = ", ".join(f"series {s}: {n}" for s, n in sorted(series.items()))
        print(f"  {path.name}: {len(per)} items ({shape})")
    pairs = scored_pairs([item_doc(i) for i in items])
    groups = clusters(len(items), pairs)
    print(f"\n{len(pairs)} duplicate pairs proposed, in {len(groups)} clusters:")
    entries = project.entries
    for n, group in enumerate(groups, 1):
        pages = {entries[items[i].key].page for i in group if items[i].key in entries}
        verdict = "mapping agrees" if len(pages) == 1 else f"mapping splits: {', '.join(sorted(map(str, pages)))}"
        print(f"\n  cluster {n} ({len(group)} items; {verdict})")
        for i in group:
            print(f"    {items[i].key}  {items[i].heading}")
    if args.labelled:
        report_labelled(items, pairs, args.labelled)
    return 0


def report_labelled(items: list[Item], pairs, path: Path) -> None:
    """Precision and recall of the proposed pairs on hand-labelled pairs."""
    from kb.bank.dedup import THRESHOLD, Scorer

    labelled = yaml.safe_load(path.read_text(encoding="utf-8"))
    index = {i.key: n for n, i in enumerate(items)}
    docs = [item_doc(i) for i in items]
    x = Scorer(docs).corpus
    result = Counter()
    misses = []
    for kind in ("duplicate", "distinct"):
        for a, b, why in labelled[kind]:
            score = float(x[index[a]].multiply(x[index[b]]).sum())
            said = score >= THRESHOLD
            result[(kind, said)] += 1
            if said != (kind == "duplicate"):
                misses.append(f"    {kind:9} {score:.2f}  {a} {b}  {why}")
    tp, fp = result[("duplicate", True)], result[("distinct", True)]
    fn = result[("duplicate", False)]
    print(f"\nlabelled pairs ({path}): {tp + fn} duplicate, {sum(result.values()) - tp - fn} distinct")
    print(f"  precision {tp / max(1, tp + fp):.2f}  recall {tp / max(1, tp + fn):.2f}  "
          f"(threshold {THRESHOLD})")
    if misses:
        print("  misclassified:")
        print("\n".join(misses))


def cmd_sources(project: Project, args) -> int:
    """Print where every raw item went."""
    rows = []
    for item in project.items:
        entry = project.entries.get(item.key)
        row = {"file": item.file, "line": item.line, "number": item.number, "title": item.title,
               "page": entry.page if entry else None,
               "status": entry.status if entry else "unmapped"}
        if entry and entry.reason:
            row["reason"] = entry.reason
        rows.append(row)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['file']}:{row['line']}  [{row['status']}]  {row['page'] or row.get('reason', '')}"
                  f"  {row['title']}")
        print(Counter(r["status"] for r in rows))
    return 1 if any(r["status"] == "unmapped" for r in rows) else 0


def cmd_import(project: Project, args) -> int:
    """Report, per item of a new bank, the closest pages and a verdict; change nothing."""
    from kb.bank.sniff import check_bank_file
    from kb.retrieval.match import Matcher
    from kb.retrieval.meaning import from_setting

    check_bank_file(args.file)
    try:
        new = parse_bank(args.file)
    except BankError as exc:  # name the file as the maintainer typed it
        raise BankError(str(args.file), exc.line, exc.message) from None
    matcher = Matcher.for_project(project, from_setting(args.meaning_model))
    for problem in project.labelled_problems:  # such a label is left out, not silently
        print(f"{problem}（这条标注没有用来训练判定；`kb check` 列出全部问题）", file=sys.stderr)
    results = matcher.match_items(new)
    if args.json:
        for item, result in zip(new, results):
            print(json.dumps(import_row(args.file, item, result), ensure_ascii=False))
        return 0
    for item, result in zip(new, results):
        print(f"{args.file}:{item.line}  {item.heading}")
        for n, c in enumerate(result.candidates, 1):
            via = f", via {c.via_key}" if c.via_key and c.via >= c.bm25 else ""
            words = ", ".join(f"{w}({f})" for w, f in c.matched) or "-"
            meaning = f", meaning {c.meaning:.2f}" if c.meaning is not None else ""
            print(f"    {n}. docs/{c.page}  {c.score:.2f}  (bm25 {c.bm25:.2f}, latent {c.latent:.2f}, "
                  f"classifier {c.classifier:.2f}{meaning}{via})"
                  f"  matched: {words}")
        target = f" docs/{result.page}" if result.verdict != "new" and result.page else ""
        if result.same_as:
            print(f"    same question as {result.same_as.key} in the bank (score {result.same_as.score:.2f}"
                  f" >= {DEDUP_THRESHOLD}): {placed(result.same_as.entry)}")
        if result.unnamed:  # new by the rule, not by the score: say which page and why
            target = f" (closest docs/{result.page})"
        why = f"; no page mentions {', '.join(result.unnamed)}" if result.unnamed else ""
        if result.in_passing:  # maybe by the rule: the page names the method without answering for it
            why = f"; the page mentions {', '.join(result.in_passing)} only in passing: is that what it asks?"
        if result.same_as:
            why = "; decided by the bank's copy" if result.verdict == "duplicate" else \
                "; the bank's copy is on no page yet: decide as for it"
        print(f"    -> {result.verdict}{target}  (p={result.probability:.2f}{why})")
    counts = Counter(r.verdict for r in results)
    model = matcher.model
    print(f"\n{len(new)} items: {counts['duplicate']} duplicate, {counts['maybe']} maybe, {counts['new']} new "
          f"(duplicate at p >= {model.duplicate_at:.2f}, new below {model.new_below:.2f}; "
          f"calibrated on {0 if model.calibration is None else len(model.calibration[1])} "
          f"mapping-derived pairs; learned also from {model.labelled} labelled imports in sources/labelled/). "
          "Nothing was changed.")
    used = matcher.index.meaning
    print(f"Sentence model: {used.path}" if used else
          "Sentence model: none (lexical matching; --meaning-model DIR adds one, see CONTRIBUTING).")
    return 0


def placed(entry: Entry | None) -> str:
    """Where the mapping sent a raw item, in words."""
    if entry is None:
        return "not in sources/mapping.yml yet"
    if entry.status == "merged":
        return f"merged into docs/{entry.page}"
    if entry.status == "planned":
        return f"planned for docs/{entry.page} (not written yet)"
    return f"set aside: {entry.reason}"


def import_row(path: Path, item: Item, result: Result) -> dict:
    """One item's report as a JSON-ready dict."""
    same = result.same_as
    return {
        "file": str(path), "line": item.line, "number": item.number, "heading": item.heading,
        "verdict": result.verdict, "probability": result.probability,
        "page": result.page if result.verdict != "new" else None,
        "unnamed": list(result.unnamed), "in_passing": list(result.in_passing),
        "same_as": same and {"item": same.key, "score": same.score,
                             "status": same.entry.status if same.entry else "unmapped",
                             "page": same.entry.page if same.entry else None,
                             "reason": same.entry.reason if same.entry else None},
        "candidates": [{"page": c.page, "score": c.score, "bm25": c.bm25, "latent": c.latent,
                        "classifier": c.classifier, "meaning": c.meaning,
                        "via": c.via_key or None, "via_score": c.via,
                        "matched": [{"word": w, "fields": f.split("/")} for w, f in c.matched]}
                       for c in result.candidates],
    }


def cmd_check(project: Project, args) -> int:
    """Run every static check and print ``path:line: message`` lines."""
    from kb.content.checks import check_project

    problems = check_project(project, duplicates=not args.no_duplicates)
    failed, unverified = snippet_verdicts(project)
    problems = sorted(set(problems) | set(failed))
    for problem in problems:
        print(problem)
    for problem in unverified:  # a notice, not a problem: stdout stays the list of problems
        print(problem, file=sys.stderr)
    pages = len(project.pages)
    print(f"{len(problems)} 个问题（{pages} 个页面，{len(project.items)} 道原始题目，"
          f"{len(project.labelled)} 个带标注的导入集）"
          + ("：每行是 文件:行号: 问题。怎么改。" if problems else "")
          + f"；{len(unverified)} 个代码片段未经担保（缓存里没有它们在当前代码上的运行结果；"
          "`make test` 或 `mkdocs build` 会运行它们）", file=sys.stderr)
    return 1 if problems else 0


def snippet_verdicts(project: Project) -> tuple[list, list]:
    """Snippets whose stated output the verdict cache cannot confirm: (failed, never run).

    A snippet counts as vouched for only if a run of exactly its source, against the
    current contents of the ``kb`` files it imports, printed exactly its stated output.
    """
    from kb.content.pages import Problem
    from kb.snippets.cache import SnippetCache
    from kb.snippets.runner import FAILED, Limits, Snippet

    cache = SnippetCache(project.root, Limits.from_env())
    failed, unverified = [], []
    for page in project.pages:
        for block in page.snippets():
            entry = cache.lookup(Snippet(block.code, block.expected_output, page.path, block.lineno))
            if entry is None:
                unverified.append(Problem(page.path, block.lineno, "无法担保：这个片段和它写明的输出还没有在当前的 "
                                          "kb 代码上运行过（make test 或 make site 会运行它）"))
            elif not entry.ok:
                lines = entry.problem.strip().splitlines()
                summary = lines[0] + (lines[-1] if lines[0] == FAILED else "")
                failed.append(Problem(page.path, block.lineno, f"上次运行时{summary}"))
    return failed, unverified


def cmd_new(project: Project, args) -> int:
    """Scaffold a question page (and map its raw items): every answer checked as it is given."""
    from kb.scaffold import collect, create

    answers = collect(project, args)
    path = create(project, answers)
    mapped = f"；{'、'.join(answers.sources)} 已映射到这一页" if answers.sources else ""
    print(f"已创建 {project.relative(path)}{mapped}")
    print("下一步：写完 TODO(kb new) 的部分，然后运行 `kb update-output` 和 `kb check`")
    return 0


def cmd_update_output(project: Project, args) -> int:
    """Rewrite (or check) the stated outputs of pages from real runs."""
    from kb.content.pages import question_paths
    from kb.snippets.executor import shared
    from kb.snippets.outputs import update_page
    from kb.snippets.runner import Limits

    executor = shared(project.root, Limits.from_env())
    paths = args.pages or question_paths(project.docs)
    failed = stale = 0
    for path in paths:
        result = update_page(Path(path), project.docs, write=not args.check, executor=executor)
        for problem in result.problems or []:
            print(problem)
        failed += bool(result.problems)
        stale += result.changed
        if result.changed:
            verb = "stale output in" if args.check else "updated"
            print(f"{result.path}: {verb} {result.changed} block(s)")
    print(f"{len(paths)} page(s); {stale} block(s) {'stale' if args.check else 'rewritten'}; "
          f"{failed} page(s) with problems", file=sys.stderr)
    return 1 if failed or (args.check and stale) else 0


SCHEMA_START, SCHEMA_END = "<!-- kb:schema:start -->", "<!-- kb:schema:end -->"


def schema_section() -> str:
    """The generated reference, wrapped in its markers."""
    from kb.content.schema import reference

    note = "<!-- 由 `kb schema --write CONTRIBUTING.md` 生成，请勿手改 -->"
    return f"{SCHEMA_START}\n{note}\n\n{reference()}\n{SCHEMA_END}"


def cmd_schema(project: Project, args) -> int:
    """Print the front matter reference, or refresh it in a file."""
    if not args.write:
        print(schema_section())
        return 0
    text = args.write.read_text(encoding="utf-8")
    start, end = text.find(SCHEMA_START), text.find(SCHEMA_END)
    if start < 0 or end < 0:
        raise UsageError(f"{args.write}：没有 {SCHEMA_START} … {SCHEMA_END} 标记。请先在文件中放入这两行")
    args.write.write_text(text[:start] + schema_section() + text[end + len(SCHEMA_END):],
                          encoding="utf-8")
    print(f"refreshed the front matter reference in {args.write}")
    return 0


def cmd_pdf(project: Project, args) -> int:
    """Build the site (unless given one) and print it to one PDF."""
    import subprocess
    import tempfile

    from kb.site.pdf import PdfError, print_pdf

    output = args.output.resolve()
    named = re.search(r"^site_name:\s*(.+)$", (project.root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    site_name = named.group(1).strip() if named else "kb"
    try:
        if args.site_dir:
            print_pdf(args.site_dir, output, project, site_name=site_name)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", tmp],
                                       cwd=project.root)
                if build.returncode:
                    raise UsageError("mkdocs build failed (see above); no PDF written")
                print_pdf(Path(tmp), output, project, site_name=site_name)
    except PdfError as exc:
        raise UsageError(str(exc)) from exc
    print(f"wrote {output} ({output.stat().st_size // 1024} KiB)")
    return 0


COMMANDS = {
    "ingest": cmd_ingest, "sources": cmd_sources, "import": cmd_import, "check": cmd_check,
    "new": cmd_new, "update-output": cmd_update_output, "schema": cmd_schema,
    "pdf": cmd_pdf,
}

if __name__ == "__main__":
    raise SystemExit(main())
