(function () {
  var table = document.getElementById("students");
  if (!table) return;
  var heads = table.tHead.rows[0].cells;
  function key(row, i, numeric) {
    var cell = row.cells[i], v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.setAttribute("title", "sort by this column");
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).map(function (r, n) { return [key(r, i, numeric), n, r]; });
      rows.sort(function (a, b) {
        var c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r[2]); });
    });
  });
  table.setAttribute("data-sortable", "ready");
})();
