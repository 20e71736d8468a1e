// Filters and sorting for the issue list. Progressive enhancement: without this
// script the list, the "Browse the issues" links and every anchor still work.
// It only reads data-* attributes and moves or hides existing elements.
(function () {
  "use strict";
  var form = document.getElementById("issue-controls");
  var list = document.getElementById("issue-list");
  var status = document.getElementById("issue-status");
  if (!form || !list || !status) { return; }
  var items = Array.prototype.slice.call(list.children);
  var numeric = { priority: "rank", pages: "pages", instances: "instances" };
  var descending = { pages: true, instances: true };

  function has(value, wanted) {
    return !wanted || (" " + value + " ").indexOf(" " + wanted + " ") !== -1;
  }

  function compare(key) {
    return function (a, b) {
      var x, y;
      if (numeric[key]) {
        x = Number(a.dataset[numeric[key]]);
        y = Number(b.dataset[numeric[key]]);
        if (x !== y) { return descending[key] ? y - x : x - y; }
      } else {
        x = key === "sc" ? a.dataset.sortSc : a.dataset.rule;
        y = key === "sc" ? b.dataset.sortSc : b.dataset.rule;
        if (x !== y) { return x < y ? -1 : 1; }
      }
      return Number(a.dataset.rank) - Number(b.dataset.rank);
    };
  }

  function apply() {
    var impact = form.elements.impact ? form.elements.impact.value : "";
    var sc = form.elements.sc ? form.elements.sc.value : "";
    var engine = form.elements.engine ? form.elements.engine.value : "";
    var site = form.elements.site ? form.elements.site.value : "";
    var sort = form.elements.sort;
    var shown = 0;
    items.slice().sort(compare(sort.value)).forEach(function (item) {
      var d = item.dataset;
      var match = (!impact || d.impact === impact) && has(d.sc, sc) && (!engine || d.engine === engine) && has(d.site, site);
      item.hidden = !match;
      if (match) { shown += 1; }
      list.appendChild(item);
    });
    status.textContent = status.dataset.template
      .replace("{shown}", String(shown))
      .replace("{total}", String(items.length))
      .replace("{sort}", sort.options[sort.selectedIndex].text);
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
}());
