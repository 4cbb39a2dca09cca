// Simple charts of a vote's tally and a rating's results, drawn with Apache ECharts (served from our own
// static files). Each chart reads its figures from a JSON script element; the table beside it holds the
// same figures for anyone without scripts or a screen.
(function () {
  "use strict";
  var ROW = 34;
  var GRADE_COLOURS = { satisfied: "#2e6b30", basic: "#8fbf5a", dissatisfied: "#b3261e" };

  function box(element, rows) {
    element.style.height = (rows * ROW + 70) + "px";
    return window.echarts.init(element, null, { renderer: "canvas" });
  }

  function voteChart(element, data) {
    var labels = data.labels.slice().reverse();
    var values = data.values.slice().reverse();
    var chosen = data.chosen.slice().reverse();
    var chart = box(element, labels.length);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, axisLabel: { width: 150, overflow: "truncate" } },
      series: [{
        name: data.series,
        type: "bar",
        data: values.map(function (value, index) {
          return { value: value, itemStyle: { color: chosen[index] ? "#9b1c1c" : "#9a9a9a" } };
        }),
        label: { show: true, position: "right" }
      }]
    });
    return chart;
  }

  function ratingChart(element, data) {
    var charts = [];
    data.groups.forEach(function (group) {
      var holder = document.createElement("div");
      holder.className = "chart-part";
      var title = document.createElement("p");
      title.className = "chart-title";
      title.textContent = group.title;
      var canvas = document.createElement("div");
      holder.appendChild(title);
      holder.appendChild(canvas);
      element.appendChild(holder);
      var labels = data.labels.slice().reverse();
      var values = group.values.slice().reverse();
      var chart = box(canvas, labels.length);
      chart.setOption({
        animation: false,
        legend: { top: 0, data: data.grades.map(function (g) { return g.label; }) },
        grid: { left: 8, right: 16, top: 34, bottom: 10, containLabel: true },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: labels, axisLabel: { width: 140, overflow: "truncate" } },
        series: data.grades.map(function (grade) {
          return {
            name: grade.label,
            type: "bar",
            stack: "all",
            itemStyle: { color: GRADE_COLOURS[grade.key] },
            data: values.map(function (counts) {
              var total = counts.satisfied + counts.basic + counts.dissatisfied;
              return total ? Math.round(1000 * counts[grade.key] / total) / 10 : 0;
            })
          };
        })
      });
      charts.push(chart);
    });
    return charts;
  }

  function draw() {
    if (!window.echarts) { return; }
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      element.classList.add("drawn");
      if (data.kind === "vote") { drawn.push(voteChart(element, data)); }
      if (data.kind === "rating") { drawn = drawn.concat(ratingChart(element, data)); }
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
