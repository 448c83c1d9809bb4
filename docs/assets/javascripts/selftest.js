// 自测模式 on question pages: hide the answer parts until the reader asks for them.
// A question page is marked by the build with <p class="kb-meta" data-kb-page="id">.
// Hidden parts: 一句话回答, the 详解 section, snippet outputs, the 勘误 section.
// The toggle is remembered in localStorage ("kb-selftest"); `a` reveals the answer.
(function () {
  "use strict";
  // Keys typed into a text field (the search box, a select) are not shortcuts.
  function typing(t) {
    return t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
      (t.tagName === "INPUT" && !/^(checkbox|radio|button|file)$/.test(t.type)));
  }
  var KEY = "kb-selftest";
  var meta = document.querySelector(".md-content .kb-meta[data-kb-page]");
  if (!meta) return;
  var article = meta.closest("article") || document.body;

  function load() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function save(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); return true; } catch (e) { return false; }
  }

  // The elements of the section that starts at heading h2 (up to the next h2).
  function section(id) {
    var head = document.getElementById(id);
    if (!head || head.tagName !== "H2") return [];
    var out = [head];
    for (var el = head.nextElementSibling; el && el.tagName !== "H2"; el = el.nextElementSibling) out.push(el);
    return out;
  }

  var parts = [];
  var abstract = article.querySelector(".admonition.abstract");
  if (abstract) parts.push(abstract);
  parts = parts.concat(section("详解"), section("勘误"));
  section("代码").forEach(function (el) {
    if (el.matches("details.success")) parts.push(el);
    el.querySelectorAll && el.querySelectorAll("details.success").forEach(function (d) { parts.push(d); });
  });
  // A data attribute, not a class: Material styles and wraps only `table:not([class])`.
  parts.forEach(function (el) { el.setAttribute("data-kb-answer", ""); });

  var label = document.createElement("label");
  label.className = "kb-selftest-toggle";
  label.innerHTML = '<input type="checkbox" role="switch"> 自测模式';
  var box = label.querySelector("input");
  meta.appendChild(label);

  var reveal = document.createElement("button");
  reveal.type = "button";
  reveal.className = "md-button md-button--primary kb-reveal";
  reveal.textContent = "显示答案";
  reveal.title = "快捷键 a";
  meta.insertAdjacentElement("afterend", reveal);

  function apply(on) {
    document.body.classList.toggle("kb-selftest", on);
    document.body.classList.remove("kb-revealed");
    box.checked = on;
  }
  function show() {
    document.body.classList.add("kb-revealed");
  }

  box.addEventListener("change", function () { save(box.checked); apply(box.checked); });
  reveal.addEventListener("click", show);
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    if (ev.key === "a" && document.body.classList.contains("kb-selftest")) { show(); ev.preventDefault(); }
  });
  apply(load());
})();
