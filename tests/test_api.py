"""The public API: small, resolvable, and exactly what the API reference documents."""

import re

import kb
from conftest import ROOT


def test_every_exported_name_resolves_to_an_object_of_its_module():
    for name in kb.__all__:
        obj = getattr(kb, name)
        assert obj.__module__ == kb._API[name], name


def test_the_api_reference_documents_every_exported_name_and_nothing_else_of_kb():
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = re.findall(r"^::: (kb\.\S+)$", page, re.M)
    exported = {f"{kb._API[name]}.{name}" for name in kb.__all__}
    assert exported <= set(documented)
    assert set(documented) - exported == {"kb.lab"}  # the teaching helpers, whole
    assert not any(d.startswith("kb.cli") for d in documented)


def test_importing_kb_loads_no_pipeline_module():
    import subprocess
    import sys

    code = "import kb, sys; print(sorted(m for m in sys.modules if m.startswith('kb')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['kb']"
