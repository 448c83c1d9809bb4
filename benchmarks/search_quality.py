"""Benchmark: does site search find the page the way readers ask, offline too, and fast?

Run:  .venv/bin/python benchmarks/search_quality.py [--queries FILE] [--limit N] [--no-scale]

Builds the site twice (render only, ``KB_EXECUTE=false``): hosted, served from a
local http server on 127.0.0.1, and offline (``KB_OFFLINE=true``), opened from
``file://``. In headless Chromium it types every query of
``tests/fixtures/search_queries.yml`` into the real search box and reads the
rendered results. It prints, for both builds:

- hit@1, hit@3 and MRR (rank of the first expected page, over the top 10) per kind and overall;
- whether file:// gave the same ranked pages as http for every query;
- requests to any host other than 127.0.0.1 and console errors (bad inputs included);
- index bytes, raw and gzipped, and per page;
- time from the keystroke to rendered results: median and p95, plus the first query
  of a fresh page (index download and setup included);

and the same sizes and times on a synthetic site with 10× the pages (each question
page copied nine times with its Chinese characters shifted to other characters, so
the vocabulary grows ten-fold too), written to a temporary folder.
"""

from __future__ import annotations

import argparse
import copy
import functools
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import yaml

from kb.retrieval.index import decode, encode
from kb.site.browser import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"
QUERIES = ROOT / "tests" / "fixtures" / "search_queries.yml"
CHROMIUM = find_chromium()
KINDS = ("question", "synonym", "english", "term")
#: Inputs that must not produce a console error or a freeze.
BAD_INPUTS = ["", "a", "树", "top-p", "-", "+", "*", "~", "^", ":", "title:", "a:b", "\"", "\"过拟合",
              "<script>alert(1)</script>", "\\frac{a}{b}", "$x^2$", "ＦＩ", "Ａｄａｍ", "C++", "A/B 测试",
              "过拟合 " * 70, "x" * 500, "😀", "   "]


def build(out: Path, **env: str) -> None:
    subprocess.run([str(MKDOCS), "build", "--quiet", "--site-dir", str(out)], cwd=ROOT, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_EXECUTE": "false", **env},
                   capture_output=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class Server:
    """A static http server for one folder on 127.0.0.1 (a thread, stopped on exit)."""

    def __init__(self, folder: Path):
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()


#: In the page: time the first keystroke and the first rendered result list after it.
TIMER = """() => {
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  window.__kb = {t0: null, t1: null};
  document.addEventListener('keydown', () => { if (window.__kb.t0 === null) window.__kb.t0 = performance.now(); },
                            true);
  const seen = () => { if (window.__kb.t0 !== null && window.__kb.t1 === null) window.__kb.t1 = performance.now(); };
  new MutationObserver(m => { if (m.some(r => r.addedNodes.length)) seen(); }).observe(list, {childList: true});
  new MutationObserver(seen).observe(meta, {childList: true, characterData: true, subtree: true});
}"""


class Browser:
    """One Chromium page on a built site, recording foreign requests and console errors."""

    def __init__(self, chromium, url: str):
        self.page = chromium.new_page()
        self.external: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        self.page.evaluate(TIMER)
        self.box = self.page.locator("input[data-md-component='search-query']")

    def _request(self, request) -> None:
        parts = urlparse(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in {"127.0.0.1", "localhost"}:
            self.external.append(request.url)

    def clear(self) -> None:
        self.box.click()
        self.box.fill("")
        self.box.press("End")
        self.page.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0")

    def search(self, query: str, timeout: float = 30_000) -> tuple[list[str], float | None]:
        """Type ``query``; the result links, best first, and ms from keystroke to render."""
        self.clear()
        self.page.evaluate("() => { window.__kb.t0 = null; window.__kb.t1 = null; }")
        self.box.fill(query)
        self.box.press("End")  # Material searches on key events; an IME commit sends none
        if query.strip():
            self.page.wait_for_function(
                "document.querySelectorAll('.md-search-result__item').length > 0"
                " || /没有找到/.test(document.querySelector('.md-search-result__meta').textContent)",
                timeout=timeout)
        else:
            self.page.wait_for_timeout(50)
        links = self.page.eval_on_selector_all(".md-search-result__item > a:first-child", "as => as.map(a => a.href)")
        t = self.page.evaluate("() => window.__kb.t1 !== null ? window.__kb.t1 - window.__kb.t0 : null")
        return links, t

    def close(self) -> None:
        self.page.close()


def page_id(href: str) -> str:
    """``topic/id/`` or ``topic/id.html`` (with any query or anchor) -> ``id``."""
    path = urlparse(href).path.rstrip("/")
    name = path.rsplit("/", 1)[-1]
    return name.removesuffix(".html").split("--copy")[0]


def score(queries: list[dict], ranked: list[list[str]]) -> dict:
    """hit@1, hit@3, MRR@10 per kind and overall."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    rows = defaultdict(lambda: [0, 0, 0.0, 0])
    for q, ids in zip(queries, ranked):
        expect = set(q["expect"])
        rank = next((i + 1 for i, x in enumerate(ids[:10]) if x in expect), None)
        for key in (q["kind"], "overall"):
            r = rows[key]
            r[0] += rank == 1
            r[1] += rank is not None and rank <= 3
            r[2] += 1 / rank if rank else 0
            r[3] += 1
        by_kind[q["kind"]].append(rank or 0)
    return {k: {"hit@1": r[0] / r[3], "hit@3": r[1] / r[3], "mrr": r[2] / r[3], "n": r[3]} for k, r in rows.items()}


def run_queries(chromium, url: str, queries: list[dict]) -> dict:
    fresh = Browser(chromium, url)
    _, cold = fresh.search(queries[0]["q"])
    fresh.close()
    b = Browser(chromium, url)
    ranked, times = [], []
    for q in queries:
        links, t = b.search(q["q"])
        ranked.append([page_id(h) for h in links])
        if t is not None:
            times.append(t)
    for text in BAD_INPUTS:
        b.search(text, timeout=10_000)
    out = {"ranked": ranked, "times": times, "cold": cold, "external": b.external + fresh.external,
           "errors": b.errors + fresh.errors}
    b.close()
    return out


def index_size(site: Path, pages: int) -> dict:
    data = (site / "search" / "search_index.json").read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9)), "pages": pages}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))] if values else float("nan")


def shift_han(text: str, k: int) -> str:
    """Replace every CJK character by another one (a new, disjoint vocabulary per copy)."""
    return "".join(chr(0x4E00 + (ord(c) - 0x4E00 + k * 2011) % 0x5200) if "\u4e00" <= c <= "\u9fff" else c
                   for c in text)


def scaled_index(index: dict, factor: int) -> dict:
    """The index of a site with ``factor``× the question pages: shifted copies of each."""
    out = copy.deepcopy(index)
    kb = out["config"]["kb"]
    gen = set(kb["generated"])
    n = 1 + max(d["kb"] for d in index["docs"])
    questions = [d for d in range(n) if d not in gen]
    docs = out["docs"]
    original = {k: decode(p) for k, p in zip(kb["keys"], kb["postings"])}
    terms = {k: list(v) for k, v in original.items()}
    for k in range(1, factor):
        remap = {d: n + (k - 1) * len(questions) + j for j, d in enumerate(questions)}
        for doc in index["docs"]:
            if doc["kb"] in remap:
                base, _, anchor = doc["location"].partition("#")
                stem = base[:-5] if base.endswith(".html") else base.rstrip("/")
                loc = f"{stem}--copy{k}" + (".html" if base.endswith(".html") else "/")
                loc += f"#{anchor}" if anchor else ""
                docs.append({**doc, "location": loc, "title": shift_han(doc["title"], k),
                             "text": shift_han(doc["text"], k), "kb": remap[doc["kb"]]})
        for term, post in original.items():
            new = [x for i in range(0, len(post), 2) if post[i] in remap for x in (remap[post[i]], post[i + 1])]
            if new:
                terms.setdefault(shift_han(term, k), []).extend(new)
        kb["words2"] += shift_han(index["config"]["kb"]["words2"], k)
    kb["keys"] = sorted(terms)
    kb["postings"] = [encode(terms[t]) for t in kb["keys"]]
    return out


def write_index(site: Path, index: dict) -> None:
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (site / "search" / "search_index.json").write_text(text, encoding="utf-8")
    if (site / "search" / "search_index.js").exists():
        (site / "search" / "search_index.js").write_text(f"var __index = {text}", encoding="utf-8")


def report(name: str, res: dict, size: dict, queries: list[dict]) -> None:
    s = score(queries, res["ranked"])
    print(f"\n== {name}")
    print(f"{'kind':<10}{'n':>5}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}")
    for k in (*KINDS, "overall"):
        if k in s:
            r = s[k]
            print(f"{k:<10}{r['n']:>5}{r['hit@1']:>8.3f}{r['hit@3']:>8.3f}{r['mrr']:>8.3f}")
    t = res["times"]
    print(f"index: {size['raw']:,} B raw, {size['gzip']:,} B gzip, {size['pages']} pages, "
          f"{size['raw'] / size['pages'] / 1024:.1f} KB/page raw")
    print(f"keystroke -> results: median {statistics.median(t):.0f} ms, p95 {pct(t, .95):.0f} ms "
          f"(n={len(t)}); first query of a fresh page {res['cold']:.0f} ms")
    print(f"external requests: {len(res['external'])}; console errors: {len(res['errors'])}")
    for e in res["errors"][:5]:
        print("  console:", e[:200])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--limit", type=int, default=0, help="only the first N queries")
    ap.add_argument("--no-scale", action="store_true", help="skip the 10x site")
    ap.add_argument("--misses", action="store_true", help="list queries whose expected page is not in the top 3")
    args = ap.parse_args()
    queries = yaml.safe_load(args.queries.read_text(encoding="utf-8"))["queries"]
    if args.limit:
        queries = queries[:args.limit]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kb-search-") as tmp:
        hosted, offline = Path(tmp) / "site", Path(tmp) / "offline"
        t = time.perf_counter()
        build(hosted)
        build(offline, KB_OFFLINE="true")
        print(f"built both sites in {time.perf_counter() - t:.0f} s; {len(queries)} queries")
        index = json.loads((hosted / "search" / "search_index.json").read_text(encoding="utf-8"))
        pages = 1 + max(d["kb"] for d in index["docs"])
        server = Server(hosted)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            http = run_queries(chromium, server.url, queries)
            local = run_queries(chromium, (offline / "index.html").as_uri(), queries)
            report("http (hosted build)", http, index_size(hosted, pages), queries)
            report("file:// (offline build)", local, index_size(offline, pages), queries)
            same = sum(a[:10] == b[:10] for a, b in zip(http["ranked"], local["ranked"]))
            print(f"\nfile:// ranked pages identical to http for {same}/{len(queries)} queries")
            if args.misses:
                print("\nnot in the top 3 (http):")
                for q, ids in zip(queries, http["ranked"]):
                    if not set(q["expect"]) & set(ids[:3]):
                        print(f"  [{q['kind']}] {q['q']} -> want {q['expect']}, got {ids[:3]}")
            if not args.no_scale:
                big = scaled_index(index, 10)
                big_pages = 1 + max(d["kb"] for d in big["docs"])
                for site in (hosted, offline):
                    write_index(site, big)
                http10 = run_queries(chromium, server.url, queries)
                local10 = run_queries(chromium, (offline / "index.html").as_uri(), queries)
                report("10x pages, http", http10, index_size(hosted, big_pages), queries)
                report("10x pages, file://", local10, index_size(offline, big_pages), queries)
            chromium.close()
        server.close()


if __name__ == "__main__":
    main()
