/* orevalue brief: draw every chart from the figure specs embedded in the page.
   Sets <body data-charts="ready"> (or "failed") when done, for printing and tests. */
(function () {
  "use strict";
  var body = document.body;
  var specs = JSON.parse(document.getElementById("orevalue-figures").textContent);
  var config = { displayModeBar: false, responsive: false, staticPlot: false, displaylogo: false };
  var pending = [];
  Object.keys(specs).forEach(function (id) {
    var node = document.getElementById("chart-" + id);
    if (!node) { return; }
    var fig = specs[id];
    pending.push(Plotly.newPlot(node, fig.data, fig.layout, config));
  });
  Promise.all(pending).then(function () {
    body.setAttribute("data-charts", "ready");
  }, function (err) {
    body.setAttribute("data-charts", "failed");
    console.error("orevalue brief: a chart failed to draw: " + err);
  });
})();
