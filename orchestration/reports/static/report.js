/* The report pages' behaviour: language toggle, sortable and searchable tables, and the
   charts (Apache ECharts, loaded from the local assets folder). The page's figures are in the
   JSON block #page-data, written by orchestration/reports/site.py. No network access. */
(function () {
  "use strict";

  var LANG_KEY = "leap-report-lang";
  var CLASS_COLORS = { A: "#2e7d32", B: "#1565c0", C: "#ef6c00" };
  var UP = "#2e7d32", DOWN = "#c62828", PEER = "#9e9e9e", MAIN = "#1565c0";
  var charts = {};
  /* Loaded for print (how the PDFs are made): charts as SVG, which prints as sharp vectors. */
  var PRINTING = window.matchMedia("print").matches;
  var state = { lang: "zh", data: null, year: null };

  function t(zh, en) { return state.lang === "en" ? en : zh; }
  function label(item) { return item ? (state.lang === "en" ? item.en : item.zh) : ""; }
  function fmt(value, decimals) {
    if (value === null || value === undefined || isNaN(value)) { return "–"; }
    return Number(value).toFixed(decimals === undefined ? 2 : decimals);
  }
  function signed(value, decimals) {
    if (value === null || value === undefined || isNaN(value)) { return "–"; }
    return (value > 0 ? "+" : "") + fmt(value, decimals);
  }
  function esc(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function el(selector) { return document.querySelector(selector); }

  /* ---------------------------------------------------------------- language */

  function initialLang() {
    var match = /[?&]lang=(zh|en)/.exec(window.location.search);
    if (match) { return match[1]; }
    try { return window.localStorage.getItem(LANG_KEY) || "zh"; } catch (e) { return "zh"; }
  }

  function setLang(lang) {
    state.lang = lang;
    document.body.classList.toggle("lang-en", lang === "en");
    document.body.classList.toggle("lang-zh", lang !== "en");
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    try { window.localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
    document.querySelectorAll("[data-placeholder-zh]").forEach(function (input) {
      input.placeholder = lang === "en" ? input.dataset.placeholderEn : input.dataset.placeholderZh;
    });
    render();
  }

  /* ---------------------------------------------------------------- tables */

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    return cell.dataset.v !== undefined ? cell.dataset.v : cell.textContent.trim();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      function sort() {
        var numeric = th.dataset.type === "num";
        var ascending = th.dataset.order !== "asc";
        Array.prototype.forEach.call(headers, function (other) { delete other.dataset.order; });
        th.dataset.order = ascending ? "asc" : "desc";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          if (numeric) {
            var fx = x === "" ? -Infinity : parseFloat(x), fy = y === "" ? -Infinity : parseFloat(y);
            return ascending ? fx - fy : fy - fx;
          }
          return ascending ? x.localeCompare(y, "zh") : y.localeCompare(x, "zh");
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });
  }

  function makeSearchable(table) {
    var tools = table.closest("section").querySelector(".table-tools");
    if (!tools) { return; }
    var input = tools.querySelector(".table-search");
    var count = tools.querySelector(".table-count");
    function filter() {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var hit = !query || (row.dataset.search || row.textContent.toLowerCase()).indexOf(query) >= 0;
        row.hidden = !hit;
        if (hit) { shown += 1; }
      });
      count.textContent = shown + " / " + table.tBodies[0].rows.length;
    }
    input.addEventListener("input", filter);
    filter();
  }

  /* ---------------------------------------------------------------- charts */

  function draw(name, option) {
    var node = el('[data-chart="' + name + '"]');
    if (!node) { return; }
    node.removeAttribute("data-empty");
    var old = node.querySelector(".chart-empty");
    if (old) { old.remove(); }
    var chart = charts[name];
    if (!chart) {
      chart = window.echarts.init(node, null, { renderer: PRINTING ? "svg" : "canvas" });
      charts[name] = chart;
    }
    option.animation = false;
    option.textStyle = { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif" };
    chart.setOption(option, true);
    node.dataset.drawn = "1";
  }

  function empty(name, text) {
    var node = el('[data-chart="' + name + '"]');
    if (!node) { return; }
    if (charts[name]) { charts[name].dispose(); delete charts[name]; }
    node.innerHTML = '<p class="chart-empty">' + esc(text) + "</p>";
    node.dataset.empty = "1";
    delete node.dataset.drawn;
  }

  function classSeries(rows) {
    return ["A", "B", "C"].map(function (code) {
      return {
        name: t(code + "类", "Class " + code), type: "bar", stack: "classes",
        itemStyle: { color: CLASS_COLORS[code] },
        label: { show: true, color: "#fff" },
        data: rows.map(function (row) { return row["class_" + code.toLowerCase()]; })
      };
    });
  }

  /* ---------------------------------------------------------------- province page */

  function renderProvince(data) {
    var years = data.summary.map(function (row) { return String(row.evaluation_year); });
    var series = classSeries(data.summary);
    series.push({
      name: t("平均分", "Mean score"), type: "line", yAxisIndex: 1, symbolSize: 7,
      itemStyle: { color: "#6a1b9a" },
      label: { show: true, position: "top", distance: 8, color: "#6a1b9a", fontWeight: "bold", backgroundColor: "#fff",
               padding: [1, 4], borderRadius: 3, formatter: function (p) { return fmt(p.value, 1); } },
      z: 5,
      data: data.summary.map(function (row) { return row.mean_score; })
    });
    draw("classHistory", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: {
        type: "category", data: years,
        axisLabel: { formatter: function (v) { return Number(v) === data.year ? "{b|" + v + "}" : v; },
                     rich: { b: { fontWeight: "bold" } } }
      },
      yAxis: [{ type: "value", name: t("单位数", "Units") },
              { type: "value", name: t("平均分", "Mean"), min: function (v) { return Math.floor(v.min - 5); }, max: 100, splitLine: { show: false } }],
      series: series
    });

    var links = data.transitions.filter(function (l) { return l.n > 0; });
    if (!links.length) {
      empty("transitionFlow", t("本年度没有上一年度可比较。", "No previous year to compare with."));
    } else {
      var before = t(data.year - 1 + "年 ", (data.year - 1) + " "), after = t(data.year + "年 ", data.year + " ");
      var nodes = [];
      ["A", "B", "C"].forEach(function (c) { nodes.push({ name: before + c, itemStyle: { color: CLASS_COLORS[c] } }); });
      ["A", "B", "C"].forEach(function (c) { nodes.push({ name: after + c, itemStyle: { color: CLASS_COLORS[c] } }); });
      draw("transitionFlow", {
        tooltip: { trigger: "item" },
        series: [{
          type: "sankey", left: 20, right: 60, top: 10, bottom: 10, nodeAlign: "justify",
          emphasis: { focus: "adjacency" }, lineStyle: { color: "gradient", opacity: 0.45 },
          label: { formatter: "{b}" },
          data: nodes,
          links: links.map(function (l) { return { source: before + l.from, target: after + l.to, value: l.n }; })
        }]
      });
    }

    var cities = data.cities;
    var citySeries = classSeries(cities);
    citySeries.push({
      name: t("平均分", "Mean score"), type: "line", yAxisIndex: 1, symbolSize: 8,
      itemStyle: { color: "#6a1b9a" },
      data: cities.map(function (row) { return row.mean_score; })
    });
    draw("cities", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 60 },
      xAxis: { type: "category", data: cities.map(function (c) { return c.city_name; }), axisLabel: { rotate: 30 } },
      yAxis: [{ type: "value", name: t("单位数", "Units") },
              { type: "value", name: t("平均分", "Mean"), min: function (v) { return Math.floor(v.min - 5); }, max: 100, splitLine: { show: false } }],
      series: citySeries
    });
  }

  /* ---------------------------------------------------------------- county page */

  function currentEntry(data) {
    var found = data.history.filter(function (entry) { return entry.year === state.year; });
    return found.length ? found[0] : data.history[data.history.length - 1];
  }

  function indicatorUnit(labels, code) {
    var found = labels.indicators.filter(function (i) { return i.code === code; });
    return found.length && found[0].unit ? " " + found[0].unit : "";
  }

  function indicatorLabel(labels, code) {
    var found = labels.indicators.filter(function (i) { return i.code === code; });
    return found.length ? code + " " + label(found[0]) : code;
  }

  function renderCards(entry) {
    var node = el("[data-county-cards]");
    if (!node) { return; }
    var cards = [
      [t("总分", "Total points"), fmt(entry.total)],
      [t("类别", "Class"), '<span class="badge class-' + esc(entry["class"]) + '">' + esc(entry["class"]) + "</span>"],
      [t("全省排名", "Province rank"), entry.rank + " / " + (entry.units || "–")],
      [t("市内排名", "City rank"), entry.city_rank],
      [t("总分变化", "Score change"), signed(entry.score_change)],
      [t("位次变化", "Rank change"), entry.rank_change === null || entry.rank_change === undefined ? "–" : signed(entry.rank_change, 0)]
    ];
    var u = entry.uncertainty;
    if (u) {
      cards.push([t("位次区间（90%）", "Rank interval (90%)"), fmt(u.rank_p05, 0) + "–" + fmt(u.rank_p95, 0)]);
      var prob = u["prob_class_" + String(entry["class"]).toLowerCase()];
      if (prob !== undefined) { cards.push([t("保持本类别的概率", "Probability of this class"), fmt(100 * prob, 0) + "%"]); }
    }
    node.innerHTML = cards.map(function (card) {
      return '<div class="card"><div class="card-label">' + card[0] + '</div><div class="card-value">' + card[1] + "</div></div>";
    }).join("");
  }

  function cutoffSeries(history) {
    /* Each class's cut-off in points, year by year: a methodology change moves it. */
    var codes = [];
    history.forEach(function (e) {
      Object.keys(e.cutoffs || {}).forEach(function (code) {
        if (e.cutoffs[code] > 0 && codes.indexOf(code) < 0) { codes.push(code); }
      });
    });
    return codes.map(function (code) {
      return {
        name: code + " ≥", type: "line", step: "middle", symbol: "none", silent: true,
        lineStyle: { type: "dashed", color: "#888", width: 1 }, itemStyle: { color: "#888" },
        endLabel: { show: true, color: "#555", formatter: function (p) { return code + " ≥ " + fmt(p.value, 0); } },
        data: history.map(function (e) { var v = (e.cutoffs || {})[code]; return v > 0 ? v : null; })
      };
    });
  }

  function renderHistory(data) {
    var history = data.history;
    var total = t("总分", "Total points"), rank = t("全省排名", "Province rank");
    draw("scoreHistory", {
      tooltip: { trigger: "axis" }, legend: { top: 0, data: [total, rank] },
      grid: { left: 50, right: 55, top: 40, bottom: 30 },
      xAxis: { type: "category", data: history.map(function (e) { return String(e.year); }) },
      yAxis: [{ type: "value", name: t("总分", "Points"), min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10 - 10); }, max: 100 },
              { type: "value", name: t("全省排名", "Rank"), inverse: true, min: 1, splitLine: { show: false } }],
      series: [{
        name: total, type: "line", symbolSize: 9, itemStyle: { color: MAIN },
        label: { show: true, formatter: function (p) { return fmt(p.value, 1); } },
        data: history.map(function (e) { return { value: e.total, itemStyle: { color: CLASS_COLORS[e["class"]] } }; })
      }, {
        name: rank, type: "line", yAxisIndex: 1, symbol: "rect", symbolSize: 7,
        lineStyle: { type: "dotted" }, itemStyle: { color: "#6a1b9a" },
        data: history.map(function (e) { return e.rank; })
      }].concat(cutoffSeries(history))
    });
  }

  function renderProfile(labels, entry) {
    var dims = labels.dimensions;
    var share = function (value, dim) { return value === null || value === undefined ? null : Math.round(1000 * value / dim.max) / 10; };
    draw("dimensionProfile", {
      tooltip: {}, legend: { top: 0 },
      radar: { radius: "62%", center: ["50%", "56%"], indicator: dims.map(function (d) { return { name: label(d), max: 100 }; }) },
      series: [{
        type: "radar",
        data: [
          { name: entry.name + " " + entry.year, value: dims.map(function (d) { return share(entry.dimensions[d.column], d); }),
            itemStyle: { color: MAIN }, areaStyle: { opacity: 0.2 } },
          { name: t("同类别县平均（" + entry["class"] + "类，" + entry.peers.n + "个）", "Class " + entry["class"] + " peers (" + entry.peers.n + ")"),
            value: dims.map(function (d) { return share(entry.peers.dimensions[d.column], d); }),
            itemStyle: { color: PEER }, lineStyle: { type: "dashed" } }
        ]
      }]
    });
    var rows = dims.map(function (d) {
      var own = entry.dimensions[d.column], peer = entry.peers.dimensions[d.column];
      var diff = own - peer;
      return "<tr><td>" + esc(label(d)) + '</td><td class="n">' + fmt(own) + " / " + d.max + '</td><td class="n">' + fmt(peer) +
        '</td><td class="n ' + (diff > 0 ? "up" : diff < 0 ? "down" : "") + '">' + signed(diff) + "</td></tr>";
    }).join("");
    el("[data-dimension-table]").innerHTML = '<table class="compact"><thead><tr><th>' + t("维度", "Dimension") + "</th><th>" +
      t("得分/满分", "Points / max") + "</th><th>" + t("同类别平均", "Peers' mean") + "</th><th>" + t("差值", "Difference") +
      "</th></tr></thead><tbody>" + rows + '</tbody><tfoot><tr><th>' + t("总分", "Total") + '</th><th class="n">' + fmt(entry.total) +
      '</th><th class="n">' + fmt(entry.peers.total) + '</th><th class="n">' + signed(entry.total - entry.peers.total) + "</th></tr></tfoot></table>";
  }

  function renderIndicators(labels, entry) {
    var rows = entry.indicators;
    if (!rows.length) {
      empty("indicatorBars", t("没有指标数据。", "No indicator data."));
      el("[data-indicator-table]").innerHTML = "";
      return;
    }
    var names = rows.map(function (r) { return indicatorLabel(labels, r.code); });
    draw("indicatorBars", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
      grid: { left: 10, right: 30, top: 30, bottom: 20, containLabel: true },
      xAxis: { type: "value", max: 100, name: "%" },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: { width: 260, overflow: "truncate" } },
      series: [{
        name: t("本县得分率", "Share of max (county)"), type: "bar",
        data: rows.map(function (r) {
          var color = r.standing === "strength" ? UP : r.standing === "weakness" ? DOWN : MAIN;
          return { value: Math.round(1000 * r.share) / 10, itemStyle: { color: color } };
        })
      }, {
        name: t("同类别平均得分率", "Share of max (class peers)"), type: "bar", itemStyle: { color: PEER },
        data: rows.map(function (r) { return Math.round(1000 * r.peer_share) / 10; })
      }]
    });
    var body = rows.map(function (r) {
      var tag = r.standing === "strength" ? '<span class="tag strength">' + t("优势", "strength") + "</span>" :
        r.standing === "weakness" ? '<span class="tag weakness">' + t("短板", "weakness") + "</span>" : "";
      if (r.missing) { tag += ' <span class="tag missing">' + t("缺失", "missing") + "</span>"; }
      return "<tr><td>" + esc(indicatorLabel(labels, r.code)) + '</td><td class="n">' + fmt(r.value, 3) + esc(indicatorUnit(labels, r.code)) + '</td><td class="n">' +
        fmt(r.points) + " / " + r.max + '</td><td class="n">' + fmt(100 * r.share, 1) + '%</td><td class="n">' + fmt(100 * r.peer_share, 1) +
        '%</td><td class="n">' + r.rank + "</td><td>" + tag + '</td><td class="source">' + esc(r.source || "") + "</td></tr>";
    }).join("");
    el("[data-indicator-table]").innerHTML = '<div class="table-wrap"><table class="compact"><thead><tr><th>' + t("指标", "Indicator") + "</th><th>" +
      t("指标值", "Value") + "</th><th>" + t("得分/满分", "Points / max") + "</th><th>" + t("得分率", "Share") + "</th><th>" +
      t("同类别", "Peers") + "</th><th>" + t("全省位次", "Province rank") + "</th><th></th><th>" + t("数据来源文件", "Source file") +
      "</th></tr></thead><tbody>" + body + "</tbody></table></div>";
  }

  function renderContributions(labels, entry) {
    var note = el("[data-contribution-note]");
    var parts = entry.contributions || [];
    if (!parts.length || entry.score_change === null || entry.score_change === undefined) {
      empty("contributions", t("本年度没有上一年度可比较。", "No previous year to compare with."));
      note.textContent = "";
      return;
    }
    var order = labels.indicators.map(function (i) { return i.code; });
    parts = parts.slice().sort(function (a, b) { return order.indexOf(a.code) - order.indexOf(b.code); });
    var base = [], up = [], down = [], running = 0;
    parts.forEach(function (p) {
      var next = running + p.value;
      base.push(Math.min(running, next));
      up.push(p.value >= 0 ? p.value : "-");
      down.push(p.value < 0 ? -p.value : "-");
      running = next;
    });
    var categories = parts.map(function (p) { return p.code; });
    categories.push(t("合计", "Total"));
    base.push(Math.min(0, running));
    up.push(running >= 0 ? running : "-");
    down.push(running < 0 ? -running : "-");
    draw("contributions", {
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var index = items[0].dataIndex;
          var value = index < parts.length ? parts[index].value : running;
          var name = index < parts.length ? indicatorLabel(labels, parts[index].code) : t("合计", "Total");
          return esc(name) + ": " + signed(value, 3);
        }
      },
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: categories },
      yAxis: { type: "value", name: t("分", "points") },
      series: [
        { type: "bar", stack: "w", itemStyle: { color: "transparent" }, emphasis: { disabled: true }, data: base },
        { name: t("增加", "gain"), type: "bar", stack: "w", itemStyle: { color: UP }, data: up },
        { name: t("减少", "loss"), type: "bar", stack: "w", itemStyle: { color: DOWN }, data: down }
      ]
    });
    var sorted = parts.slice().sort(function (a, b) { return b.value - a.value; });
    note.textContent = t(
      "总分变化 " + signed(entry.score_change) + " 分（" + fmt(entry.previous_total) + " → " + fmt(entry.total) + "）；贡献最大：" +
        indicatorLabel(labels, sorted[0].code) + "（" + signed(sorted[0].value) + "）；拖累最大：" +
        indicatorLabel(labels, sorted[sorted.length - 1].code) + "（" + signed(sorted[sorted.length - 1].value) + "）。",
      "Score change " + signed(entry.score_change) + " points (" + fmt(entry.previous_total) + " → " + fmt(entry.total) + "); largest gain: " +
        indicatorLabel(labels, sorted[0].code) + " (" + signed(sorted[0].value) + "); largest loss: " +
        indicatorLabel(labels, sorted[sorted.length - 1].code) + " (" + signed(sorted[sorted.length - 1].value) + ").");
  }

  function renderNextClass(labels, entry) {
    var node = el("[data-next-class]");
    var next = entry.next_class;
    var rows = entry.indicators.map(function (r) { return { code: r.code, room: r.max - r.points }; })
      .sort(function (a, b) { return b.room - a.room; });
    if (!next) {
      node.innerHTML = "<p>" + t("已处于最高类别（A类）。", "Already in the best class (A).") + "</p>";
    } else {
      var cumulative = 0, needed = [];
      for (var i = 0; i < rows.length && cumulative < next.gap; i += 1) { cumulative += rows[i].room; needed.push(rows[i]); }
      node.innerHTML = '<p class="gap">' + t("距" + next["class"] + "类（" + next.cutoff + " 分）还差 <b>" + fmt(next.gap) + "</b> 分。",
        "<b>" + fmt(next.gap) + "</b> points short of class " + next["class"] + " (" + next.cutoff + " points).") + " " +
        t("提升空间最大的指标：", "Indicators with the most room: ") +
        needed.slice(0, 5).map(function (r) {
          return esc(indicatorLabel(labels, r.code)) + t("（", " (") + fmt(r.room) + t("）", ")");
        }).join(t("、", "; ")) + "</p>";
    }
    var gaps = entry.class_gaps || [];
    if (next && gaps.length) {
      node.innerHTML += '<div class="table-wrap"><table class="compact"><thead><tr><th>' + t("指标", "Indicator") + "</th><th>" +
        t("现得分", "Points now") + "</th><th>" + t("单项需增加的得分", "Points this indicator alone would need") + "</th><th>" +
        t("现指标值", "Value now") + "</th><th>" + t("需达到的指标值", "Value needed") + "</th><th>" +
        t("单项可弥合差距", "Closes the gap alone") + "</th></tr></thead><tbody>" +
        gaps.map(function (g) {
          return "<tr><td>" + esc(indicatorLabel(labels, g.indicator_code)) + '</td><td class="n">' + fmt(g.indicator_points) +
            '</td><td class="n">' + signed(g.indicator_points_needed) + '</td><td class="n">' + fmt(g.indicator_value, 3) +
            '</td><td class="n">' + (g.indicator_value_needed === null || g.indicator_value_needed === undefined ? "–" :
              fmt(g.indicator_value_needed, 3) + esc(indicatorUnit(labels, g.indicator_code))) + "</td><td>" + (g.closes_gap_alone ? t("能", "yes") : t("不能", "no")) + "</td></tr>";
        }).join("") + "</tbody></table></div>";
    }
    draw("headroom", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 10, right: 30, top: 20, bottom: 20, containLabel: true },
      xAxis: { type: "value", name: t("可提升分数", "points to gain") },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return indicatorLabel(labels, r.code); }), axisLabel: { width: 260, overflow: "truncate" } },
      series: [{ type: "bar", name: t("可提升分数", "points to gain"), itemStyle: { color: "#8d6e63" }, data: rows.map(function (r) { return Math.round(r.room * 100) / 100; }),
        markLine: next ? { symbol: "none", lineStyle: { color: DOWN }, label: { formatter: t("差距 ", "gap ") + fmt(next.gap) }, data: [{ xAxis: Math.round(next.gap * 100) / 100 }] } : undefined }]
    });
  }

  function renderCounty(data) {
    /* The year picked, labelled with the methodology that year was scored with. */
    var entry = currentEntry(data);
    var labels = data.labels[String(entry.year)];
    document.querySelectorAll("[data-year-shown]").forEach(function (node) { node.textContent = entry.year; });
    document.querySelectorAll("[data-methodology-version]").forEach(function (node) { node.textContent = labels.version; });
    renderCards(entry);
    renderHistory(data);
    renderProfile(labels, entry);
    renderIndicators(labels, entry);
    renderContributions(labels, entry);
    renderNextClass(labels, entry);
  }

  /* ---------------------------------------------------------------- start */

  function render() {
    if (!state.data || !window.echarts) { return; }
    if (state.data.page === "province") { renderProvince(state.data); }
    if (state.data.page === "county") { renderCounty(state.data); }
    document.body.dataset.chartsReady = "1";
  }

  /* ---------------------------------------------------------------- print */

  function printWidth() { return Number(document.body.dataset.printWidth) || 700; }

  function resizeCharts(width) {
    Object.keys(charts).forEach(function (name) {
      charts[name].resize(width ? { width: width } : undefined);
    });
  }

  function initPrint() {
    /* Charts are canvases: printed from the browser, they are redrawn at the width of the A4
       page's printable area (the PDFs are made with the print layout from the start). */
    window.addEventListener("beforeprint", function () { resizeCharts(printWidth()); });
    window.addEventListener("afterprint", function () { resizeCharts(null); });
  }

  function initYear() {
    var select = el("[data-year-select]");
    var match = /[?&]year=(\d{4})/.exec(window.location.search);
    if (match && select.querySelector('option[value="' + match[1] + '"]')) { select.value = match[1]; }
    state.year = Number(select.value);
    select.addEventListener("change", function () { state.year = Number(select.value); render(); });
  }

  function start() {
    var block = document.getElementById("page-data");
    state.data = block ? JSON.parse(block.textContent) : null;
    initPrint();
    if (state.data && state.data.page === "county") { initYear(); }
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("table[data-searchable]").forEach(makeSearchable);
    document.querySelectorAll("[data-lang-toggle]").forEach(function (button) {
      button.addEventListener("click", function () { setLang(state.lang === "en" ? "zh" : "en"); });
    });
    window.addEventListener("resize", function () { resizeCharts(null); });
    setLang(initialLang());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
