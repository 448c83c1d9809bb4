"""Nothing lost: every raw item is accounted for in the reviewed mapping."""

import json

from kb.bank.mapping import coverage_problems, load_mapping
from kb.cli import main


def test_every_raw_item_is_mapped_exactly_once_or_set_aside(project):
    assert project.mapping_problems == []
    keys = [i.key for i in project.items]
    assert len(keys) == len(set(keys))
    for key in keys:
        entry = project.entries[key]
        assert entry.status in {"merged", "planned", "set-aside"}
        assert entry.page or entry.reason


def test_mapping_names_only_existing_items_and_merged_pages_exist(project):
    problems = coverage_problems(project.items, project.entries, project.docs, "sources/mapping.yml")
    assert problems == []


def test_nothing_is_left_planned(project):
    planned = [k for k, e in project.entries.items() if e.status == "planned"]
    assert planned == [], f"{len(planned)} raw items still planned: {planned[:5]}"


def test_coverage_check_reports_missing_unknown_and_pageless_items(project, tmp_path):
    mapping = tmp_path / "mapping.yml"
    first, second = project.items[0], project.items[1]
    mapping.write_text(
        f"{first.file}:\n  {first.line}: evaluation/no-such-page.md\n  99999: evaluation/x.md\n",
        encoding="utf-8")
    entries, problems = load_mapping(mapping)
    assert problems == []
    found = [str(p) for p in coverage_problems(project.items, entries, project.docs, "m.yml")]
    assert any(p.startswith(f"m.yml:2: {first.key} 合并到了 docs/evaluation/no-such-page.md，但这个页面不存在")
               for p in found), found
    assert any(p.startswith(f"m.yml:3: {first.file}:99999 不是原始题库中任何一道题的标题行") for p in found)
    assert any(second.key in p and "不在映射里" in p for p in found)


def test_malformed_mapping_values_are_located(tmp_path):
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("a.txt:\n  3: {set-aside: ''}\n  5: Not A Path\n  7: {later: x.md}\n")
    _, problems = load_mapping(mapping)
    assert [(p.line, p.message.split("：", 1)[1][:9]) for p in problems] == [
        (2, "搁置（set-as"), (3, "'Not A Pa"), (4, "未知的状态 'la")]


def test_kb_sources_json_has_one_object_per_item(project, capsys):
    main(["--root", str(project.root), "sources", "--json"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(project.items)
    assert {"file", "line", "number", "title", "page", "status"} <= set(rows[0])
    for row in rows:
        assert (row["page"] is None) == (row["status"] == "set-aside")
        assert row["status"] != "set-aside" or row["reason"]


def test_raw_banks_are_the_delivered_files_unmodified(project):
    import hashlib

    sums = dict(reversed(line.split("  ")) for line in
                (project.raw_dir / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {p.name for p in project.bank_paths}
    for path in project.bank_paths:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sums[path.name], path.name
    delivered = project.root.parent / "shared" / "seeds"  # where the team's copy sits, if present
    for path in delivered.glob("*.txt"):
        assert path.read_bytes() == (project.raw_dir / path.name).read_bytes(), path.name
