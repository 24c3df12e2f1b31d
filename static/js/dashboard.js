// Dashboard charts (overview and account pages), drawn with the vendored Chart.js.
// Hooks: <canvas data-chart-src="…json"> for a line chart fetched from a per-user endpoint,
// <canvas data-donut="id-of-json-script"> for an allocation donut embedded in the page.
// Every chart also has a table of its numbers in the page, so nothing here is the only way
// to read a figure. In privacy mode the server sends indices and shares, never amounts.
(function () {
  "use strict";

  var lang = document.documentElement.lang || "ko";
  var korean = lang.indexOf("ko") === 0;
  var grouping = new Intl.NumberFormat(korean ? "ko-KR" : "en-US", { maximumFractionDigits: 0 });
  var decimals = new Intl.NumberFormat(korean ? "ko-KR" : "en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  var eok = new Intl.NumberFormat("ko-KR", { maximumFractionDigits: 2 });
  var palette = ["#1f5fd1", "#e0793b", "#2a9d8f", "#8e5cc4", "#d0312d", "#c9a227", "#4f6d7a", "#7cb342", "#b0577c"];

  function won(value) {
    if (value === null || value === undefined) return "—";
    return korean ? grouping.format(value) + "원" : "₩" + grouping.format(value);
  }

  // Compact axis labels: 1.2억, 3,400만 (Korean units of 10^8 and 10^4).
  function compactWon(value) {
    if (!korean) return "₩" + new Intl.NumberFormat("en-US", { notation: "compact" }).format(value);
    var abs = Math.abs(value);
    if (abs >= 1e8) return eok.format(value / 1e8) + "억";
    if (abs >= 1e4) return grouping.format(Math.round(value / 1e4)) + "만";
    return grouping.format(value);
  }

  function shortDate(iso) {
    var parts = iso.split("-");
    return korean ? parts[0] + ". " + Number(parts[1]) + ". " + Number(parts[2]) + "." : iso;
  }

  // Axis ticks: "2026. 9." over long ranges, "9. 14." over short ones.
  function tickDate(iso, long) {
    var parts = iso.split("-");
    if (!korean) return long ? parts[0] + "-" + parts[1] : parts[1] + "-" + parts[2];
    return long ? parts[0] + ". " + Number(parts[1]) + "." : Number(parts[1]) + ". " + Number(parts[2]) + ".";
  }

  function drawLine(canvas, data) {
    var index = data.unit === "index";
    var stacked = data.datasets.length > 1;
    var chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          var colour = palette[i % palette.length];
          return {
            label: set.label,
            data: set.data,
            borderColor: colour,
            backgroundColor: colour + (stacked ? "55" : "22"),
            fill: stacked ? (i === 0 ? "origin" : "-1") : "origin",
            pointRadius: 0,
            pointHitRadius: 6,
            borderWidth: 1.5,
            tension: 0,
            spanGaps: false,
            // Days the account was not valued carry its last value: drawn dashed.
            segment: {
              borderDash: function (ctx) {
                var carried = set.carried || [];
                return carried[ctx.p1DataIndex] ? [4, 3] : undefined;
              },
            },
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: {
            ticks: {
              maxTicksLimit: canvas.clientWidth < 500 ? 4 : 7,
              maxRotation: 0,
              callback: function (value) {
                return tickDate(this.getLabelForValue(value), data.labels.length > 90);
              },
            },
            grid: { display: false },
          },
          y: {
            stacked: stacked,
            // Stacked areas are read by their heights, which only mean something from zero.
            beginAtZero: stacked,
            ticks: {
              callback: function (value) {
                return index ? decimals.format(value) : compactWon(value);
              },
            },
          },
        },
        plugins: {
          legend: { display: stacked, position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? shortDate(items[0].label) : "";
              },
              label: function (item) {
                var value = index ? decimals.format(item.parsed.y) : won(item.parsed.y);
                return item.dataset.label + ": " + value;
              },
            },
          },
        },
      },
    });
    canvas.dataset.points = String(data.labels.length);
    canvas.dataset.chartReady = "true";
    return chart;
  }

  function drawDonut(canvas, data) {
    var hasValues = Array.isArray(data.values);
    new Chart(canvas, {
      type: "doughnut",
      data: {
        labels: data.labels,
        datasets: [{ data: data.shares, backgroundColor: palette, borderWidth: 1 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        cutout: "62%",
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var text = item.label + ": " + decimals.format(item.parsed) + "%";
                return hasValues ? text + " (" + won(data.values[item.dataIndex]) + ")" : text;
              },
            },
          },
        },
      },
    });
    canvas.dataset.chartReady = "true";
  }

  function init() {
    if (typeof Chart === "undefined") return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart-src]").forEach(function (canvas) {
      fetch(canvas.dataset.chartSrc, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          drawLine(canvas, data);
        })
        .catch(function () {
          canvas.dataset.chartError = "true";
          canvas.insertAdjacentHTML("afterend", '<p class="muted">' + (korean ? "차트를 불러오지 못했습니다. 아래 표를 보세요." : "The chart could not be loaded; see the table below.") + "</p>");
        });
    });
    document.querySelectorAll("canvas[data-donut]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.donut);
      if (source) drawDonut(canvas, JSON.parse(source.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
