// MedIoT ward station: one bed's view: its tile, trends drawn as SVG, NEWS2 per parameter, bed-exit monitoring, the staff form,
// alarm history.
"use strict";

(() => {
  const ward = document.body.dataset.ward;
  const bed = document.body.dataset.bed;
  const base = "/station/api/beds/" + encodeURIComponent(ward) + "/" + encodeURIComponent(bed);
  const el = Station.el;
  let snapshot = null;
  let hours = 1;
  let historyTimer = null;

  function renderTile() {
    document.getElementById("tiles").replaceChildren(Station.tileElement(snapshot.tile, Date.now(), false));
    Station.setAlarms(snapshot.tile.alarms);
  }

  function renderNews2(news2) {
    const target = document.getElementById("news2");
    if (news2.score === null) {
      target.replaceChildren(el("p", { class: "muted", text: "No fresh NEWS2 parameters." }));
      return;
    }
    const rows = news2.parameters.map(parameter => el("tr", { "data-testid": "news2-" + parameter.parameter },
      el("td", { text: parameter.parameter }), el("td", { text: String(parameter.score) }),
      el("td", { text: parameter.source ?? "" }), el("td", { text: parameter.at ? Station.clock(parameter.at) : "" })));
    for (const missing of news2.missing) {
      rows.push(el("tr", { "data-testid": "news2-" + missing, class: "muted" }, el("td", { text: missing }), el("td", { text: "missing" }), el("td"), el("td")));
    }
    target.replaceChildren(
      el("p", null, el("span", { class: "news2 band-" + news2.band, "data-testid": "news2-total", text: "NEWS2 " + news2.score + " · " + Station.bandLabel(news2.band) }),
        news2.complete ? null : " (incomplete: " + news2.missing.length + " missing parameters count 0; the score is a lower bound)"),
      el("table", null, el("thead", null, el("tr", null, el("th", { text: "Parameter" }), el("th", { text: "Score" }), el("th", { text: "Source" }), el("th", { text: "At" }))),
        el("tbody", null, ...rows)));
  }

  // A small line chart: time across, value up, the series' own range with a margin; min, max and times labelled.
  function chart(series, from, to) {
    const ns = "http://www.w3.org/2000/svg";
    const [width, height, left, bottom] = [600, 150, 40, 18];
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", series.name + " trend");
    const values = series.points.map(point => point[1]);
    let [low, high] = [Math.min(...values), Math.max(...values)];
    if (low === high) { low -= 1; high += 1; }
    const margin = (high - low) * 0.1;
    low -= margin; high += margin;
    const x = time => left + (time - from) / (to - from) * (width - left - 4);
    const y = value => 4 + (high - value) / (high - low) * (height - bottom - 8);
    const line = (x1, y1, x2, y2) => {
      const axis = document.createElementNS(ns, "line");
      Object.entries({ x1, y1, x2, y2, class: "axis" }).forEach(([name, value]) => axis.setAttribute(name, value));
      svg.append(axis);
    };
    const text = (tx, ty, content, anchor) => {
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", tx); label.setAttribute("y", ty); label.setAttribute("text-anchor", anchor ?? "start");
      label.textContent = content;
      svg.append(label);
    };
    line(left, 4, left, height - bottom);
    line(left, height - bottom, width - 4, height - bottom);
    text(left - 4, y(high - margin) + 4, String(Math.round((high - margin) * 10) / 10), "end");
    text(left - 4, y(low + margin) + 4, String(Math.round((low + margin) * 10) / 10), "end");
    text(left, height - 4, Station.clock(new Date(from).toISOString()));
    text(width - 4, height - 4, Station.clock(new Date(to).toISOString()), "end");
    const path = document.createElementNS(ns, "polyline");
    path.setAttribute("class", "line");
    path.setAttribute("points", series.points.map(([time, value]) => x(time).toFixed(1) + "," + y(value).toFixed(1)).join(" "));
    svg.append(path);
    return el("figure", { class: "trend", "data-testid": "trend-" + series.code, "data-points": String(series.points.length) },
      el("h3", { text: series.name + " (" + series.displayUnit + ")" }), svg);
  }

  async function loadTrends() {
    for (const button of document.querySelectorAll("[data-hours]")) button.setAttribute("aria-pressed", String(Number(button.dataset.hours) === hours));
    const answer = await Station.getJson(base + "/trends?hours=" + hours);
    const unavailable = document.getElementById("trends-unavailable");
    const target = document.getElementById("trends");
    if (!answer.ok) {
      unavailable.textContent = answer.body?.detail ?? "Trends are unavailable.";
      unavailable.hidden = false;
      target.replaceChildren();
      return;
    }
    unavailable.hidden = true;
    const [from, to] = [Date.parse(answer.body.from), Date.parse(answer.body.to)];
    const charts = answer.body.series.filter(series => series.points.length > 0).map(series => chart(series, from, to));
    target.replaceChildren(...(charts.length ? charts : [el("p", { class: "muted", text: "No readings stored in this window." })]));
  }

  async function loadHistory() {
    const answer = await Station.getJson(base + "/alarm-history");
    const unavailable = document.getElementById("history-unavailable");
    const body = document.querySelector("#history tbody");
    if (!answer.ok) {
      unavailable.textContent = answer.body?.detail ?? "The alarm history is unavailable.";
      unavailable.hidden = false;
      body.replaceChildren();
      return;
    }
    unavailable.hidden = true;
    body.replaceChildren(...answer.body.events.map(event => el("tr", { "data-testid": "history-" + event.alarmId + "-" + event.event },
      el("td", { text: new Date(event.at).toLocaleString([], { hourCycle: "h23" }) }), el("td", { text: event.event }),
      el("td", { class: "priority-" + event.priority, text: event.priority.toUpperCase() }),
      el("td", { text: Station.describe({ condition: event.condition, news2Score: event.news2Score ?? null }) }),
      el("td", { text: event.acknowledgedBy ?? "" }))));
  }

  // Bed-exit monitoring: armed or not and whether the patient's settled weight is known yet (never the weight itself);
  // nurses and physicians arm and disarm it through the alarm API as themselves.
  const bedExitPath = "/beds/" + encodeURIComponent(ward) + "/" + encodeURIComponent(bed) + "/bed-exit";
  let bedExitArmed = null;
  // Counts the starts and ends of arming and disarming: a state read that overlapped one is older than its answer and is
  // dropped, never drawn over the nurse's change (the view asks every few seconds and after each bed-exit alarm).
  let bedExitWrites = 0;

  function renderBedExit(state) {
    bedExitArmed = state.armed;
    const text = !state.armed ? "Not armed."
      : "Armed by " + state.armedBy + " at " + Station.clock(state.armedAt) + (state.settledWeightKnown
        ? ": settled weight known, a patient leaving the bed raises bed exit."
        : ": learning the patient's settled weight (the patient lies still in bed).");
    const target = document.getElementById("bed-exit-state");
    target.textContent = text;
    target.dataset.armed = String(state.armed);
    target.dataset.settledWeightKnown = String(state.settledWeightKnown);
    const toggle = document.getElementById("bed-exit-toggle");
    if (toggle) {
      toggle.textContent = state.armed ? "Disarm" : "Arm";
      toggle.hidden = false;
    }
  }

  async function loadBedExit() {
    const writes = bedExitWrites;
    const answer = await Station.getJson(bedExitPath);
    if (writes !== bedExitWrites) return;
    if (answer.ok) {
      renderBedExit(answer.body);
    } else {
      document.getElementById("bed-exit-state").textContent = answer.body?.detail ?? "Bed-exit monitoring is unavailable.";
    }
  }

  document.getElementById("bed-exit-toggle")?.addEventListener("click", async () => {
    const result = document.getElementById("bed-exit-result");
    bedExitWrites++;
    const answer = await Station.postJson(bedExitPath, { armed: !bedExitArmed });
    bedExitWrites++;
    if (answer.ok) {
      renderBedExit(answer.body);
      result.textContent = answer.body.saved ? "" : "In force, but not saved: it would not survive a restart of the gateway.";
    } else {
      result.textContent = answer.body?.detail ?? "Not changed (HTTP " + answer.status + ").";
    }
  });

  async function refresh() {
    const answer = await Station.getJson(base);
    if (!answer.ok) return;
    snapshot = answer.body;
    renderTile();
    renderNews2(snapshot.news2);
  }

  function onAlarm(message) {
    if (!snapshot || message.alarm.ward !== ward || message.alarm.bed !== bed) return;
    const list = snapshot.tile.alarms;
    const index = list.findIndex(alarm => alarm.id === message.alarm.id);
    if (index >= 0) list.splice(index, 1);
    if (message.event !== "resolved") list.push(message.alarm);
    renderTile();
    if (message.alarm.condition === "bed-exit") loadBedExit();
    // The history follows the journal into InfluxDB a moment later.
    clearTimeout(historyTimer);
    historyTimer = setTimeout(loadHistory, 2000);
  }

  function onBed(state) {
    if (!snapshot || state.ward !== ward || state.bed !== bed || Date.parse(state.at) < Date.parse(snapshot.at)) return;
    snapshot.tile.alarms = state.alarms;
    renderTile();
  }

  for (const button of document.querySelectorAll("[data-hours]")) {
    button.addEventListener("click", () => { hours = Number(button.dataset.hours); loadTrends(); });
  }

  const form = document.getElementById("observation-form");
  form?.addEventListener("submit", async event => {
    event.preventDefault();
    const body = {};
    const consciousness = form.elements.consciousness.value;
    const oxygen = form.elements.onOxygen.value;
    if (consciousness) body.consciousness = consciousness;
    if (oxygen) body.onOxygen = oxygen === "true";
    const result = document.getElementById("observation-result");
    const answer = await Station.postJson("/beds/" + encodeURIComponent(ward) + "/" + encodeURIComponent(bed) + "/observations", body);
    if (answer.ok) {
      result.textContent = "Recorded. NEWS2 now " + (answer.body.score ?? "—") + ".";
      renderNews2(answer.body);
      form.reset();
    } else {
      result.textContent = answer.body?.detail ?? "Not recorded (HTTP " + answer.status + ").";
    }
  });

  Station.start({ refresh, onAlarm, onBed });
  loadTrends();
  loadHistory();
  loadBedExit();
  // The settled weight is learned a few seconds after arming: ask again while it is not known, else every minute.
  setInterval(() => { if (bedExitArmed && document.getElementById("bed-exit-state").dataset.settledWeightKnown === "false") loadBedExit(); }, 5_000);
  setInterval(() => { if (document.body.dataset.connection === "connected") { Station.sync(); loadTrends(); loadBedExit(); } }, 60_000);
})();
