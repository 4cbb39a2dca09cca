// The charts of the plan page, the item page and the office dashboard, drawn with Apache ECharts from our
// own static files. Each chart box names its figures: data-chart="NAME" inside an element whose
// data-charts="ID" points at a JSON script element (built by minsheng/delivery/charts.py). The table or the
// sentence beside each chart holds the same figures, for screen readers and for anyone without scripts.
// The simple build has no legend or tooltip: each chart's key is in the page (class chart-key), in words.
// Also: on a wide screen the folded groups of items open (on a phone they stay folded).
(function () {
  "use strict";
  var INK = "#1a1a1a";
  var COMPLETION = "#0b4f9c";
  var EXPECTED = "#6b6b6b";
  var LIGHTS = { done: "#0b4f9c", green: "#1d7a35", yellow: "#f2c200", red: "#c0281f", not_started: "#d9d9d9" };

  function care() { return document.documentElement.classList.contains("care"); }
  function fontSize() { return care() ? 18 : 13; }

  function lights(element, data) {
    element.style.height = (care() ? 340 : 280) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontSize: fontSize(), color: INK },
      series: [{
        type: "pie",
        radius: ["40%", "68%"],
        center: ["50%", "50%"],
        label: { show: element.clientWidth > 480, formatter: "{b}: {c}", fontSize: fontSize() },
        itemStyle: { borderColor: INK, borderWidth: 1 },
        data: data.slices.filter(function (s) { return s.value > 0; }).map(function (s) {
          return { name: s.name, value: s.value, itemStyle: { color: LIGHTS[s.light] } };
        })
      }]
    });
    return chart;
  }

  function bars(element, data) {
    var row = care() ? 56 : 40;
    element.style.height = (data.labels.length * row + 80) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var labels = data.labels.slice().reverse();
    chart.setOption({
      animation: false,
      textStyle: { fontSize: fontSize(), color: INK },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", fontSize: fontSize() } },
      yAxis: { type: "category", data: labels, axisLabel: { width: care() ? 150 : 190, overflow: "truncate", fontSize: fontSize() } },
      series: data.series.map(function (s) {
        var expected = s.role === "expected";
        return {
          name: s.name,
          type: "bar",
          barGap: "10%",
          data: s.values.slice().reverse(),
          itemStyle: expected
            ? { color: "#ffffff", borderColor: EXPECTED, borderWidth: 2, borderType: "dashed" }
            : { color: COMPLETION },
          label: { show: !expected, position: "right", formatter: "{c}%", fontSize: fontSize() }
        };
      })
    });
    return chart;
  }

  // A month end reads as its month (2025-06); the as-of day between two month ends as its date (12-07).
  function dateLabel(d) {
    var year = +d.slice(0, 4), month = +d.slice(5, 7), day = +d.slice(8, 10);
    return day === new Date(year, month, 0).getDate() ? d.slice(0, 7) : d.slice(5);
  }

  function line(element, data) {
    element.style.height = (care() ? 360 : 300) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    var unit = data.unit === "%" ? "%" : " " + data.unit;
    chart.setOption({
      animation: false,
      textStyle: { fontSize: fontSize(), color: INK },
      grid: { left: 8, right: 24, top: 12, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.labels.map(dateLabel), axisLabel: { fontSize: fontSize() } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}" + unit, fontSize: fontSize() } },
      series: data.series.map(function (s) {
        var expected = s.role === "expected";
        return {
          name: s.name,
          type: "line",
          connectNulls: true,
          symbol: expected ? "none" : "circle",
          symbolSize: care() ? 12 : 8,
          data: s.values,
          lineStyle: expected ? { color: EXPECTED, type: "dashed", width: 2 } : { color: COMPLETION, width: 3 },
          itemStyle: { color: expected ? EXPECTED : COMPLETION }
        };
      })
    });
    return chart;
  }

  var KINDS = { lights: lights, bars: bars, line: line };

  function draw() {
    var drawn = [];
    if (window.echarts) {
      document.querySelectorAll("[data-charts]").forEach(function (holder) {
        var source = document.getElementById(holder.getAttribute("data-charts"));
        if (!source) { return; }
        var all = JSON.parse(source.textContent);
        holder.querySelectorAll("[data-chart]").forEach(function (element) {
          var data = all[element.getAttribute("data-chart")];
          if (!data || !KINDS[data.kind]) { return; }
          element.classList.add("drawn");
          drawn.push(KINDS[data.kind](element, data));
        });
      });
      window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
    }
    if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
      document.querySelectorAll("details.fold").forEach(function (details) { details.open = true; });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
