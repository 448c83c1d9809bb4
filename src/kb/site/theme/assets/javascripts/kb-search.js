/*
 * kb-search.js: the search worker behind Material's search box.
 *
 * Material's UI (search box, shortcut, result list, highlighting, zh strings) is
 * unchanged; only the engine is ours. It speaks Material's worker protocol
 * (SETUP -> READY, QUERY -> RESULT) and reads the index that
 * kb.retrieval.index writes: postings made in Python with kb.retrieval.analyzer.
 * The query is analysed here exactly as the analyzer does it (NFKC + lower case,
 * ASCII words, stop phrases cut CJK runs, character bigrams), with the index
 * vocabulary standing in for jieba's dictionary for words of 3+ characters.
 * No lunr, no network: it runs as a Worker over http and, through the
 * iframe-worker shim, from file://.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const RUN = /([a-z0-9]+(?:[-_.+'][a-z0-9]+)*)|([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/g;
const ASCII_PART = /[a-z0-9]+/g;
/* Query bigrams that are not words of the corpus (存不 in 内存不足) count less. */
const NON_WORD_BIGRAM = 0.5;
/* A prefix match (the word being typed, one CJK character) counts less than a whole term. */
const PREFIX = 0.6;
const MAX_UNITS = 64;
const MAX_SECTIONS = 3;
/* Pages scoring under this share of the best page are left out. */
const MIN_SHARE = 0.05;

let kb = null;          /* config.kb from the index */
let terms = null;       /* Map term -> its number in kb.keys / kb.postings */
let keys = [];          /* sorted terms, for prefix look-ups */
let pages = [];         /* kb doc -> {article, sections} */
let generated = null;   /* Set of aggregate-page doc numbers */
let stop = null, maxStop = 1, stopWords = null, weak = null, words2 = null;

function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

function stem(word) {
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss") && !/\d/.test(word[word.length - 2]))
    return word.slice(0, -1);
  return word;
}

function asciiTerms(word) {
  const parts = word.match(ASCII_PART) || [];
  const out = parts.filter(p => (p.length > 1 || /^\d+$/.test(p)) && !stopWords.has(p)).map(stem);
  if (parts.length > 1)
    out.push(stem(parts.join("")));
  return out;
}

function pieces(run) {
  const out = [];
  let start = 0, i = 0;
  while (i < run.length) {
    let cut = 0;
    for (let n = Math.min(maxStop, run.length - i); n > 0; n--)
      if (stop.has(run.slice(i, i + n))) { cut = n; break; }
    if (cut) {
      if (i > start) out.push(run.slice(start, i));
      i += cut;
      start = i;
    } else {
      i++;
    }
  }
  if (start < run.length) out.push(run.slice(start));
  return out;
}

function weight(term) {
  return weak.has(term) ? kb.weakWeight : 1;
}

/* Terms of `keys` that start with `prefix` (binary search, then scan). */
function prefixed(prefix, limit) {
  let lo = 0, hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
  }
  const out = [];
  for (let i = lo; i < keys.length && keys[i].startsWith(prefix) && out.length < limit; i++)
    if (keys[i] !== prefix) out.push(keys[i]);
  return out;
}

/*
 * The query as units (what the reader typed: an ASCII word or a CJK piece), each
 * with weighted terms. The last ASCII word, still being typed, also matches as a prefix.
 */
function analyze(query) {
  const text = normalize(query);
  const units = [];
  const matches = [...text.matchAll(RUN)];
  const typing = !/\s$/.test(query);
  const single = matches.length === 1 && matches[0][2] !== undefined && matches[0][2].length === 1;
  let prev = "", end = -1;
  matches.forEach((m, k) => {
    if (m[1]) {
      const list = asciiTerms(m[1]).map(t => ({ t, w: weight(t) }));
      if (list.length && typing && k === matches.length - 1 && list[list.length - 1].t.length >= 2) {
        const last = list[list.length - 1];
        for (const t of prefixed(last.t, 20)) list.push({ t, w: last.w * PREFIX, prefix: true });
      }
      /* Two plain words in a row also make a pair term ("label smoothing"). */
      const simple = /^[a-z0-9]+$/.test(m[1]) && !stopWords.has(m[1]) ? stem(m[1]) : "";
      if (prev && simple && !text.slice(end, m.index).trim())
        list.push({ t: `${prev} ${simple}`, w: 1 });
      prev = simple;
      end = m.index + m[0].length;
      if (list.length) units.push({ label: m[1], list });
      return;
    }
    prev = "";
    for (const piece of pieces(m[2])) {
      const list = [];
      if (piece.length === 1) {
        if (terms.has(piece)) list.push({ t: piece, w: weight(piece) });
        /* A query of one character also matches the terms that start with it. */
        if (single)
          for (const t of prefixed(piece, 50)) list.push({ t, w: PREFIX * weight(t), prefix: true });
      } else {
        for (let i = 0; i + 2 <= piece.length; i++) {
          const t = piece.slice(i, i + 2);
          list.push({ t, w: weight(t) * (words2.has(t) ? 1 : NON_WORD_BIGRAM) });
        }
        for (let n = 3; n <= Math.min(kb.maxWord, piece.length); n++)
          for (let i = 0; i + n <= piece.length; i++) {
            const t = piece.slice(i, i + n);
            if (terms.has(t)) list.push({ t, w: weight(t) });
          }
      }
      if (list.length) units.push({ label: piece, list });
    }
  });
  return units.slice(0, MAX_UNITS);
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/* `text` as HTML with every occurrence of a query term wrapped in <mark>. */
function highlight(text, needles) {
  if (!text) return { html: "", hit: false };
  let norm = "";
  const origin = [];                         /* normalised index -> original index */
  for (let i = 0; i < text.length; i++) {
    const n = normalize(text[i]);
    for (let j = 0; j < n.length; j++) origin.push(i);
    norm += n;
  }
  const marked = new Uint8Array(text.length);
  let hit = false;
  for (const needle of needles) {
    const ascii = /^[a-z0-9]/.test(needle);
    for (let at = norm.indexOf(needle); at !== -1; at = norm.indexOf(needle, at + 1)) {
      if (ascii && at > 0 && /[a-z0-9]/.test(norm[at - 1])) continue;
      hit = true;
      for (let j = at; j < at + needle.length; j++) marked[origin[j]] = 1;
    }
  }
  let html = "";
  for (let i = 0; i < text.length;) {
    let j = i;
    while (j < text.length && marked[j] === marked[i]) j++;
    const part = escapeHTML(text.slice(i, j));
    html += marked[i] ? `<mark>${part}</mark>` : part;
    i = j;
  }
  return { html, hit };
}

function setup(data) {
  kb = data.config.kb;
  if (!kb || kb.version !== 2)
    throw new TypeError("search index was not built by the kb plugin");
  keys = kb.keys;                               /* sorted by the build */
  terms = new Map();
  for (let i = 0; i < keys.length; i++) terms.set(keys[i], i);
  stop = new Set(kb.stop);
  maxStop = Math.max(...kb.stop.map(s => s.length));
  stopWords = new Set(kb.stopWords);
  weak = new Set(kb.weak);
  words2 = new Set(kb.words2.match(/[\s\S]{2}/g) || []);
  generated = new Set(kb.generated);
  pages = [];
  for (const doc of data.docs) {
    const page = pages[doc.kb] ||= { article: null, sections: [] };
    if (page.article === null) page.article = doc; else page.sections.push(doc);
  }
}

/* Postings of a term, [doc, score×100, ...], decoded from "doc.score,doc.score" (base 36). */
function postings(term) {
  const k = terms.get(term);
  if (k === undefined) return [];
  const out = [];
  for (const pair of kb.postings[k].split(",")) {
    const dot = pair.indexOf(".");
    out.push(parseInt(pair.slice(0, dot), 36), parseInt(pair.slice(dot + 1), 36));
  }
  return out;
}

function search(query) {
  if (!kb) return { items: [] };
  const units = analyze(query);
  if (!units.length) return { items: [] };
  const n = pages.length;
  const score = new Float64Array(n), cover = new Float64Array(n), seen = new Int32Array(n).fill(-1);
  const found = units.map(() => new Set());
  let total = 0;
  units.forEach((unit, u) => {
    const uw = Math.max(...unit.list.map(x => x.w));
    total += uw;
    for (const { t, w } of unit.list) {
      const post = postings(t);
      for (let i = 0; i < post.length; i += 2) {
        const d = post[i];
        score[d] += w * post[i + 1] / 100;
        found[u].add(d);
        if (seen[d] !== u) { seen[d] = u; cover[d] += uw; }
      }
    }
  });
  const ranked = [];
  for (let d = 0; d < n; d++)
    if (score[d] > 0) {
      const c = cover[d] / total;        /* the share of the query the page covers */
      ranked.push({ d, s: score[d] * c, g: generated.has(d) });
    }
  /* Aggregate pages (errata, sources, stats, tags, API) never outrank a question page. */
  ranked.sort((a, b) => (a.g - b.g) || (b.s - a.s));
  /* The long tail (pages that share one frequent word with the query) is noise. */
  const floor = ranked.length ? MIN_SHARE * Math.max(...ranked.map(r => r.s)) : 0;
  const kept = ranked.filter(r => r.s >= floor);

  /* Marked in previews: whole units, words and ASCII terms; not bigrams that are no word (存不). */
  const needles = [...new Set(units.flatMap(u => u.list
    .filter(x => !x.prefix && !x.t.includes(" ") && (x.t.length !== 2 || /^[a-z0-9]/.test(x.t) || words2.has(x.t)))
    .map(x => x.t).concat(u.label.length > 1 ? [u.label] : [])))].sort((a, b) => b.length - a.length);
  const prefixes = units.flatMap(u => u.list.filter(x => x.prefix).map(x => x.t));
  const marks = needles.concat(prefixes);
  const items = kept.map(({ d, s }) => {
    const page = pages[d];
    const matched = {};
    units.forEach((unit, u) => { matched[unit.label] = found[u].has(d); });
    const article = {
      location: page.article.location,
      title: highlight(page.article.title, marks).html,
      text: highlight(page.article.text, marks).html,
      score: s,
      terms: matched,
      ...page.article.tags && { tags: page.article.tags },
    };
    const sections = [];
    for (const section of page.sections) {
      if (sections.length >= MAX_SECTIONS) break;
      const title = highlight(section.title, marks), text = highlight(section.text, marks);
      if (title.hit || text.hit)
        sections.push({ location: section.location, title: title.html, text: text.html, score: s / 2, terms: matched });
    }
    return [article, ...sections];
  });
  return { items, suggest: suggest(query, units) };
}

/* Material's search.suggest: the commonest completion of the ASCII word being typed. */
function suggest(query, units) {
  const last = units[units.length - 1];
  if (!last || !/^[a-z0-9]+$/i.test(last.label) || !query.toLowerCase().endsWith(last.label.toLowerCase()))
    return [];
  let best = "", most = 0;
  for (const { t, prefix } of last.list)
    if (prefix && !t.includes(" ") && /^[a-z0-9]+$/.test(t)) {
      const n = kb.postings[terms.get(t)].split(",").length;
      if (n > most) { best = t; most = n; }
    }
  return best ? [best] : [];
}

addEventListener("message", ev => {
  const message = ev.data;
  try {
    if (message.type === SETUP) {
      setup(message.data);
      postMessage({ type: READY });
    } else if (message.type === QUERY) {
      postMessage({ type: RESULT, data: search(String(message.data || "")) });
    }
  } catch (err) {
    /* Neither a bad index nor a query breaks the page: the reader sees "没有找到符合条件的结果". */
    if (message.type === SETUP) { pages = []; kb = null; }
    postMessage(message.type === SETUP ? { type: READY } : { type: RESULT, data: { items: [] } });
  }
});
