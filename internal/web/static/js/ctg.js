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

  // Enter in a field with data-enter presses the button it names rather
  // than the form's default one: in the convention form, Enter in the
  // perimeter's search runs the search, and saves without JavaScript.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.isComposing || !e.target.dataset || !e.target.dataset.enter) return;
    var b = document.getElementById(e.target.dataset.enter);
    if (!b || b.form !== e.target.form) return;
    e.preventDefault();
    b.click();
  });

  // ---------- Budget grid (budget_grid.html) ----------

  // The grid of an action's budget behaves like a spreadsheet: the arrow
  // keys and Enter move between cells, a block copied from a spreadsheet
  // (lines, and cells separated by tabs) pasted into a cell fills the cells
  // below and to the right, adding rows as needed, and the foot of the grid
  // sums the amounts while they are typed. Without this script the grid is
  // a plain form whose "Ajouter des lignes" button asks the server for rows.
  var gridColumns = ["funder", "year", "nature", "planned", "actual"];

  function gridOf(el) {
    return el && el.closest ? el.closest("table[data-budget-grid]") : null;
  }

  function gridCell(table, row, col) {
    var tr = table.tBodies[0].rows[row];
    return tr && col ? tr.querySelector('[data-col="' + col + '"]') : null;
  }

  function cellAt(el) {
    var tr = el.closest("tr");
    return { row: Array.prototype.indexOf.call(tr.parentNode.rows, tr), col: gridColumns.indexOf(el.getAttribute("data-col")) };
  }

  function announce(msg) {
    var status = document.getElementById("grid-status");
    if (status) status.textContent = msg;
  }

  // addGridRows appends n empty rows, copies of the last one with their ids,
  // labels and values renewed.
  function addGridRows(table, n) {
    var body = table.tBodies[0];
    var model = body.rows[body.rows.length - 1];
    for (var k = 0; k < n; k++) {
      var i = body.rows.length;
      var tr = model.cloneNode(true);
      tr.querySelectorAll("small.field-error, option[data-extra]").forEach(function (e) { e.remove(); });
      tr.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      tr.querySelectorAll("[aria-invalid]").forEach(function (e) {
        e.removeAttribute("aria-invalid");
        e.removeAttribute("aria-describedby");
      });
      tr.querySelectorAll("[id]").forEach(function (e) {
        e.id = e.id.replace(/^g-(row-)?\d+/, function (m, row) { return "g-" + (row || "") + i; });
      });
      tr.querySelectorAll("[aria-labelledby]").forEach(function (e) {
        e.setAttribute("aria-labelledby", e.getAttribute("aria-labelledby").replace(/g-row-\d+/, "g-row-" + i));
      });
      tr.querySelectorAll("input").forEach(function (e) {
        if (e.type === "checkbox") {
          e.checked = false;
          e.value = String(i);
        } else {
          e.value = "";
        }
      });
      tr.querySelectorAll("select").forEach(function (e) { e.selectedIndex = 0; });
      tr.cells[0].lastChild.textContent = String(i + 1);
      body.appendChild(tr);
    }
  }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  }

  // setCell puts a pasted value in a cell. A select takes the option whose
  // value or text it is (ignoring case and accents; for the nature, its
  // first letters, "fonct."); a value no option has is kept as an option of
  // its own, so that the server says what is wrong with it, on this cell.
  function setCell(cell, value) {
    value = value.trim();
    if (cell.tagName !== "SELECT") {
      cell.value = value;
      return;
    }
    var want = fold(value), match = null;
    Array.prototype.forEach.call(cell.options, function (o) {
      if (!match && (o.value === value || (want !== "" && fold(o.text) === want))) match = o;
    });
    if (!match && cell.getAttribute("data-col") === "nature" && want.length >= 5) {
      Array.prototype.forEach.call(cell.options, function (o) {
        if (!match && fold(o.text).indexOf(want) === 0) match = o;
      });
    }
    if (!match) {
      cell.querySelectorAll("option[data-extra]").forEach(function (o) { o.remove(); });
      match = new Option(value, value);
      match.setAttribute("data-extra", "");
      cell.add(match);
    }
    cell.value = match.value;
  }

  // gridCents reads an amount as budget.ParseCents does, for the running
  // total only (the server reads the cells again): null when it does not read.
  function gridCents(s) {
    var t = s.replace(/[\s\u00a0\u202f\u2009']/g, "").replace(/(€|eur)$/i, "").replace(/^€/, "");
    if (t === "") return 0;
    var neg = /^[-\u2212]/.test(t);
    t = t.replace(/^[-\u2212+]/, "");
    if (!/^[0-9.,]+$/.test(t)) return null;
    var dot = t.lastIndexOf("."), comma = t.lastIndexOf(","), whole = t, frac = "";
    if (dot >= 0 && comma >= 0) {
      var mark = Math.max(dot, comma);
      whole = t.slice(0, mark).replace(/[.,]/g, "");
      frac = t.slice(mark + 1);
    } else if (comma >= 0) {
      if (t.indexOf(",") !== comma) return null;
      whole = t.slice(0, comma);
      frac = t.slice(comma + 1);
    } else if (dot >= 0 && t.indexOf(".") !== dot) {
      whole = t.replace(/\./g, "");
    } else if (dot >= 0) {
      whole = t.slice(0, dot);
      frac = t.slice(dot + 1);
    }
    frac = frac.replace(/0+$/, "");
    if (frac.length > 2 || whole + frac === "") return null;
    var cents = Number(whole || "0") * 100 + Number((frac + "00").slice(0, 2));
    return neg ? -cents : cents;
  }

  var wholeEuros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var centEuros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", minimumFractionDigits: 2 });

  // recount writes the sums of the grid's amounts in its foot, as the
  // server writes amounts: "12 000 €", "1 234,56 €".
  function recount(table) {
    table.querySelectorAll("output[data-grid-total]").forEach(function (out) {
      var col = out.getAttribute("data-grid-total"), sum = 0;
      table.querySelectorAll('tbody [data-col="' + col + '"]').forEach(function (cell) {
        var c = gridCents(cell.value);
        if (c !== null) sum += c;
      });
      out.textContent = (sum % 100 === 0 ? wholeEuros.format(sum / 100) : centEuros.format(sum / 100)).replace(/\u202f/g, "\u00a0");
    });
  }

  document.addEventListener("keydown", function (e) {
    var el = e.target, table = gridOf(el);
    if (!table || !el.hasAttribute("data-col") || e.altKey || e.ctrlKey || e.metaKey) return;
    var at = cellAt(el), text = el.tagName === "INPUT", to;
    switch (e.key) {
      case "Enter":
        to = { row: at.row + (e.shiftKey ? -1 : 1), col: at.col };
        if (to.row >= table.tBodies[0].rows.length) addGridRows(table, 1);
        break;
      case "ArrowDown":
      case "ArrowUp":
        if (!text) return; // a select keeps its arrows to change its value
        to = { row: at.row + (e.key === "ArrowDown" ? 1 : -1), col: at.col };
        break;
      case "ArrowLeft":
      case "ArrowRight":
        if (text) {
          // A cell just reached has its text selected, as in a spreadsheet:
          // the arrows leave it; while typing, they move within the text
          // until its end.
          var edge = e.key === "ArrowLeft" ? 0 : el.value.length;
          var whole = el.selectionStart === 0 && el.selectionEnd === el.value.length;
          if (!whole && (el.selectionStart !== edge || el.selectionEnd !== edge)) return;
        }
        to = { row: at.row, col: at.col + (e.key === "ArrowRight" ? 1 : -1) };
        break;
      default:
        return;
    }
    e.preventDefault();
    var target = to.row >= 0 ? gridCell(table, to.row, gridColumns[to.col]) : null;
    if (target) {
      target.focus();
      if (target.select) target.select();
    }
  });

  // Enter moves down rather than submitting the grid: some browsers, and
  // keyboards driven by software, submit on the keypress that follows.
  document.addEventListener("keypress", function (e) {
    if (e.key === "Enter" && gridOf(e.target) && e.target.hasAttribute("data-col")) e.preventDefault();
  });

  document.addEventListener("paste", function (e) {
    var el = e.target, table = gridOf(el);
    if (!table || !el.hasAttribute("data-col") || !e.clipboardData) return;
    var text = e.clipboardData.getData("text/plain");
    if (!text) return;
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    if (lines.length === 1 && lines[0].indexOf("\t") < 0 && el.tagName !== "SELECT") return; // one value: the browser pastes it
    e.preventDefault();
    var at = cellAt(el), body = table.tBodies[0];
    if (at.row + lines.length > body.rows.length) addGridRows(table, at.row + lines.length - body.rows.length);
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var cell = gridCell(table, at.row + i, gridColumns[at.col + j]);
        if (cell) setCell(cell, value);
      });
    });
    recount(table);
    if (lines.length > 1) announce(lines.length + " lignes collées, à partir de la ligne " + (at.row + 1) + ".");
  });

  document.addEventListener("input", function (e) {
    var table = gridOf(e.target);
    if (table) recount(table);
  });

  // "Ajouter des lignes" adds them here rather than asking the server.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-grid-add]");
    var table = button && button.form && button.form.querySelector("table[data-budget-grid]");
    if (!table) return;
    e.preventDefault();
    var first = table.tBodies[0].rows.length;
    addGridRows(table, 5);
    announce("5 lignes ajoutées : lignes " + (first + 1) + " à " + (first + 5) + ".");
    gridCell(table, first, "funder").focus();
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
