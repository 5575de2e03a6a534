// ctg.js: small enhancements over server-rendered pages. Every page works
// without it; it adds charts, auto-submitting filters, confirmations and
// keyboard help for search suggestions. Loaded with defer, after htmx and,
// on pages with charts, after echarts.min.js. No inline code anywhere: the
// Content-Security-Policy forbids it.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // ---------- Number formats (French) ----------

  var formats = {
    number: new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }),
    integer: new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 }),
    eur: new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 }),
    percent: new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 })
  };

  // formatter returns a function that writes a value the French way:
  // "22 246 000 €", "65,8 %", "1 234,5". Intl's narrow no-break space
  // (U+202F) becomes a plain no-break space: ECharts mismeasures the former
  // and clips axis labels.
  function formatter(kind) {
    var f = formats[kind] || formats.number;
    return function (v) {
      if (Array.isArray(v)) v = v[v.length - 1];
      if (v === null || v === undefined || v === "" || v === "-" || isNaN(v)) return "–";
      var s = f.format(Number(v)).replace(/\u202f/g, "\u00a0");
      return kind === "percent" ? s + "\u00a0%" : s;
    };
  }

  // ---------- Charts ----------

  // Each colour has at least 3:1 contrast with the page and with white.
  var palette = ["#0b5d6e", "#b07800", "#2f6fb3", "#7a4fb0", "#3f8f4f", "#b5475d", "#6b7785", "#2b8797"];
  var themeRegistered = false;
  var charts = [];

  function registerTheme(echarts) {
    if (themeRegistered) return;
    themeRegistered = true;
    // Only the words a chart may show; the rest falls back to English.
    echarts.registerLocale("FR", {
      time: {
        month: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        monthAbbr: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
        dayOfWeek: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        dayOfWeekAbbr: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."]
      },
      legend: { selector: { all: "Tout", inverse: "Inverser" } }
    });
    echarts.registerTheme("ctg", {
      color: palette,
      backgroundColor: "transparent",
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1d262d" },
      title: { textStyle: { color: "#1d262d", fontWeight: 600 } },
      legend: { textStyle: { color: "#1d262d" } },
      categoryAxis: { axisLine: { lineStyle: { color: "#7d8a95" } }, axisLabel: { color: "#4f5b66" }, axisTick: { show: false } },
      valueAxis: { axisLabel: { color: "#4f5b66" }, splitLine: { lineStyle: { color: "#e3e8eb" } } },
      // Thin white edges keep stacked bars and pie slices apart.
      bar: { itemStyle: { borderColor: "#fff", borderWidth: 1 } },
      pie: { itemStyle: { borderColor: "#fff", borderWidth: 1 } }
    });
  }

  // prepare applies the product's defaults to an ECharts option read from JSON
  // (which cannot carry functions). A top-level "valueFormat" of "number",
  // "integer", "eur" or "percent" formats value axes, labels and tooltips in
  // French; tooltips render on the canvas, as HTML tooltips need inline styles.
  function prepare(option) {
    var kind = option.valueFormat;
    delete option.valueFormat;
    if (option.animation === undefined) option.animation = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (option.tooltip) {
      if (!option.tooltip.renderMode) option.tooltip.renderMode = "richText";
    }
    if (!kind) return option;
    var fmt = formatter(kind);
    if (option.tooltip && !option.tooltip.valueFormatter) option.tooltip.valueFormatter = fmt;
    ["xAxis", "yAxis", "radiusAxis", "angleAxis"].forEach(function (key) {
      [].concat(option[key] || []).forEach(function (axis) {
        if (axis && (axis.type === "value" || axis.type === undefined && key === "yAxis")) {
          axis.axisLabel = axis.axisLabel || {};
          if (!axis.axisLabel.formatter) axis.axisLabel.formatter = fmt;
        }
      });
    });
    [].concat(option.series || []).forEach(function (s) {
      if (s && s.label && s.label.show && !s.label.formatter) {
        s.label.formatter = function (p) { return fmt(p.value); };
      }
    });
    return option;
  }

  function renderChart(el) {
    if (el.dataset.chartReady) return;
    el.dataset.chartReady = "1";
    var source = document.getElementById(el.getAttribute("data-chart"));
    var echarts = window.echarts;
    if (!source || !echarts) {
      el.classList.add("chart-missing");
      el.textContent = "Graphique indisponible : les données sont présentées dans le tableau.";
      return;
    }
    var option;
    try {
      option = JSON.parse(source.textContent);
    } catch (e) {
      el.classList.add("chart-missing");
      el.textContent = "Graphique illisible.";
      return;
    }
    registerTheme(echarts);
    var chart = echarts.init(el, "ctg", { renderer: "canvas", locale: "FR" });
    chart.setOption(prepare(option));
    charts.push(chart);
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    }
  }

  var resizePending = false;
  window.addEventListener("resize", function () {
    if (resizePending || window.ResizeObserver) return;
    resizePending = true;
    window.requestAnimationFrame(function () {
      resizePending = false;
      charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
    });
  });

  // ---------- Setup of a fragment (the page, or content swapped by htmx) ----------

  function setup(root) {
    root.querySelectorAll("[data-chart]").forEach(renderChart);
    root.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
  }

  // ---------- Delegated behaviours ----------

  // [data-autosubmit] on a select, checkbox or radio submits its form on change,
  // through requestSubmit so that validation and htmx still apply.
  document.addEventListener("change", function (e) {
    var el = e.target.closest("[data-autosubmit]");
    if (!el || !el.form && !el.closest("form")) return;
    var form = el.form || el.closest("form");
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  // [data-confirm="message"] on a button or link asks before acting; on a form,
  // before submitting.
  document.addEventListener("click", function (e) {
    var el = e.target.closest("button[data-confirm], [type=submit][data-confirm], a[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // [data-print] buttons (rendered hidden, shown here) print the page.
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) window.print();
  });

  // Printing shows the data tables folded under charts.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("figure details:not([open])").forEach(function (d) {
      d.open = true;
      openedForPrint.push(d);
    });
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  // Search suggestions: arrow keys move between the input and the links of the
  // ul.suggestions in the same .suggest block; Escape empties the list.
  document.addEventListener("keydown", function (e) {
    var box = e.target.closest && e.target.closest(".suggest");
    if (!box) return;
    var list = box.querySelector("ul.suggestions");
    var input = box.querySelector("input");
    if (!list || !input) return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var i = links.indexOf(e.target);
    if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(i + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus(); else links[i - 1].focus();
    } else if (e.key === "Escape" && list.children.length) {
      e.preventDefault();
      list.replaceChildren();
      input.focus();
    }
  });

  // ---------- Start ----------

  function start() {
    setup(document);
    // After a failed submission, move focus to the error summary so that it is
    // read first (the summary carries tabindex="-1").
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary) summary.focus();
  }

  // htmx fires htmx:load on every element it swaps in.
  document.addEventListener("htmx:load", function (e) {
    if (e.target !== document.body) setup(e.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
