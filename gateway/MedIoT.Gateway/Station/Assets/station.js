// MedIoT ward station: what every page shares. Hand-written, no libraries; loaded with `defer` under a CSP that
// allows scripts from the gateway only. Pages register themselves with Station.start({ refresh, onAlarm, onBed }).
"use strict";

const Station = (() => {
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const mayAct = document.body.dataset.mayAct === "true";
  const alarms = new Map(); // id -> alarm, every active alarm the page shows (drives the sound)
  let page = null;
  let source = null;
  let syncing = null;
  let buffered = [];

  const vitalNames = {
    150456: "SpO2", 149530: "Pulse rate", 147842: "Heart rate", 151562: "Resp. rate", 150364: "Temperature",
    150021: "NIBP sys", 150022: "NIBP dia", 150023: "NIBP mean", 150448: "Perfusion index", 188736: "Weight",
  };
  const priorityLabel = { high: "HIGH", medium: "MEDIUM", low: "LOW" };
  const prioritySymbol = { high: "!!!", medium: "!!", low: "!" };
  const priorityRank = { high: 3, medium: 2, low: 1 };
  const bandRank = { routine: 0, low: 1, singleParameter: 2, medium: 3, high: 4 };
  // RCP NEWS2 clinical risk: a score of 3 in one parameter alone is "low–medium".
  const bandLabels = { routine: "routine", low: "low", singleParameter: "low–medium", medium: "medium", high: "high" };
  const bandLabel = band => bandLabels[band] ?? band;

  // --- talking to the gateway -------------------------------------------------------------------------------------
  function signInAgain() {
    location.assign("/station/sign-in?returnUrl=" + encodeURIComponent(location.pathname + location.search));
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) { signInAgain(); throw new Error("signed out"); }
    const body = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, body };
  }

  async function postJson(path, value) {
    const response = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": csrfToken, Accept: "application/json" },
      body: JSON.stringify(value),
    });
    if (response.status === 401) { signInAgain(); throw new Error("signed out"); }
    const body = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, body };
  }

  // --- small DOM helpers --------------------------------------------------------------------------------------------
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value; else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function age(iso, now) {
    const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    return Math.floor(seconds / 3600) + " h ago";
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  }

  function describe(alarm) {
    const [kind, first, second] = alarm.condition.split("/");
    const vital = vitalNames[first] ?? first;
    switch (kind) {
      case "vital-below": return vital + " low";
      case "vital-above": return vital + " high";
      case "vital-falling": return vital + " falling fast";
      case "vital-rising": return vital + " rising fast";
      case "news2": return "NEWS2" + (alarm.news2Score === null ? "" : " " + alarm.news2Score);
      case "device-silent": return "Device " + first + " silent";
      case "device-status": return "Device " + second + ": " + first.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
      case "serial-port-disconnected": return "Serial port " + first + " disconnected";
      case "bed-exit": return "Bed exit";
      case "patient-call": return "Patient call";
      case "sensor-fault": return "Sensor " + first + " fault";
      case "gateway-backlog": return "Gateway backlog filling";
      case "security": return "Security: " + first.replace(/([a-z])([A-Z])/g, "$1 $2") + " (claimed device " + second + ")";
      default: return alarm.condition;
    }
  }

  // One alarm the IEC 60601-1-8 way: colour, a text label and a symbol; flashing while high and unacknowledged.
  function alarmElement(alarm) {
    const classes = ["alarm", "priority-" + alarm.priority];
    if (alarm.acknowledged) classes.push("is-acknowledged");
    if (!alarm.conditionPresent) classes.push("latched");
    const item = el("li", { class: classes.join(" "), "data-testid": "alarm-" + alarm.id, "data-priority": alarm.priority, role: "alert" },
      el("span", { class: "symbol", "aria-hidden": "true", text: prioritySymbol[alarm.priority] }),
      el("span", { class: "label", text: priorityLabel[alarm.priority] }),
      el("span", { class: "condition", text: describe(alarm) + (alarm.conditionPresent ? "" : " (latched)") }));
    if (alarm.acknowledged) {
      item.append(el("span", { class: "acknowledged", "data-testid": "acknowledged-by-" + alarm.id,
        text: "Acknowledged by " + alarm.acknowledgedBy + " at " + clock(alarm.acknowledgedAt) }));
    } else if (mayAct && alarm.channel === "care-team") {
      const button = el("button", { type: "button", class: "ack", "data-testid": "ack-" + alarm.id, text: "Acknowledge" });
      button.addEventListener("click", () => acknowledge(alarm.id, item));
      item.append(button);
    }
    return item;
  }

  async function acknowledge(id, item) {
    const answer = await postJson("/alarms/" + id + "/acknowledge", {});
    if (answer.ok && answer.body?.alarm) {
      applyAlarmEvent({ event: "acknowledged", alarm: answer.body.alarm });
    } else {
      item.append(el("span", { class: "acknowledged", role: "status", text: answer.body?.detail ?? "Not acknowledged (HTTP " + answer.status + ")." }));
    }
  }

  // A bed's tile: vitals with unit and age, NEWS2, device states, active alarms (overview and bed view).
  function tileElement(tile, now, linked) {
    const attention = tile.alarms.reduce((best, alarm) => Math.max(best, priorityRank[alarm.priority]), 0);
    const section = el("article", { class: "tile" + (attention ? " attention-" + ["", "low", "medium", "high"][attention] : ""),
      "data-testid": "bed-" + tile.ward + "-" + tile.bed });
    const title = linked ? el("a", { href: "/station/beds/" + encodeURIComponent(tile.ward) + "/" + encodeURIComponent(tile.bed), text: "Bed " + tile.ward + "/" + tile.bed })
      : document.createTextNode("Bed " + tile.ward + "/" + tile.bed);
    const news2 = tile.news2
      ? el("span", { class: "news2 band-" + tile.news2.band, "data-testid": "news2-" + tile.ward + "-" + tile.bed,
          text: "NEWS2 " + tile.news2.score + " · " + bandLabel(tile.news2.band) + (tile.news2.complete ? "" : " (incomplete)") })
      : el("span", { class: "news2", text: "NEWS2 —" });
    section.append(el("h2", null, title, news2));
    const vitals = el("div", { class: "vitals" });
    for (const vital of tile.vitals) {
      const stale = now - Date.parse(vital.measuredAt) > 5 * 60 * 1000;
      vitals.append(el("div", { class: "vital" + (stale ? " stale" : ""), "data-testid": "vital-" + tile.ward + "-" + tile.bed + "-" + vital.code },
        el("span", { class: "name", text: vital.name }), el("br"),
        el("span", { class: "value", text: String(Math.round(vital.value * 10) / 10) }),
        el("span", { class: "unit", text: vital.displayUnit }),
        el("span", { class: "age", "data-measured-at": vital.measuredAt, text: age(vital.measuredAt, now) })));
    }
    if (tile.vitals.length === 0) vitals.append(el("span", { class: "muted", text: "No readings yet" }));
    section.append(vitals);
    const devices = el("ul", { class: "devices" });
    for (const device of tile.devices) {
      const states = device.states.length ? device.states.join(", ").replaceAll("-", " ") : null;
      devices.append(el("li", { "data-testid": "device-" + device.deviceId }, device.deviceId + " (" + device.kind + ")",
        states ? el("span", { class: "state", "data-testid": "device-state-" + device.deviceId, text: states }) : null));
    }
    section.append(devices);
    const list = el("ul", { class: "alarms" });
    for (const alarm of sortAlarms(tile.alarms)) list.append(alarmElement(alarm));
    section.append(list);
    return section;
  }

  function sortAlarms(list) {
    return [...list].sort((a, b) => priorityRank[b.priority] - priorityRank[a.priority] || a.id - b.id);
  }

  function attentionOf(tile) {
    const priority = tile.alarms.reduce((best, alarm) => Math.max(best, priorityRank[alarm.priority]), 0);
    return [priority, tile.news2 ? bandRank[tile.news2.band] ?? 0 : -1, tile.news2 ? tile.news2.score : -1];
  }

  function byAttention(a, b) {
    const [x, y] = [attentionOf(a), attentionOf(b)];
    return y[0] - x[0] || y[1] - x[1] || y[2] - x[2] || a.ward.localeCompare(b.ward) || a.bed.localeCompare(b.bed);
  }

  // Ages move on between snapshots.
  setInterval(() => {
    const now = Date.now();
    for (const span of document.querySelectorAll("[data-measured-at]")) span.textContent = age(span.dataset.measuredAt, now);
  }, 1000);

  // --- the alarms the page shows, and the sound they make ------------------------------------------------------------
  function setAlarms(list) {
    alarms.clear();
    for (const alarm of list) alarms.set(alarm.id, alarm);
    Sound.update();
  }

  function applyAlarmEvent(message) {
    if (message.event === "resolved") alarms.delete(message.alarm.id); else alarms.set(message.alarm.id, message.alarm);
    Sound.update();
    page?.onAlarm?.(message);
  }

  const Sound = (() => {
    const state = document.getElementById("sound-state");
    const banner = document.getElementById("sound-off");
    let context = null;
    let next = { high: 0, medium: 0 };
    // IEC 60601-1-8 burst patterns: high = 10 pulses (3 + 2, pause, 3 + 2) at a higher pitch, repeated every 10 s;
    // medium = 3 pulses at a lower pitch, repeated every 20 s. Low priority makes no sound.
    const patterns = {
      high: { frequency: 880, pulse: 0.15, starts: [0, 0.25, 0.5, 1.0, 1.25, 2.25, 2.5, 2.75, 3.25, 3.5], every: 10_000 },
      medium: { frequency: 523, pulse: 0.2, starts: [0, 0.3, 0.6], every: 20_000 },
    };

    function play(pattern) {
      const now = context.currentTime + 0.05;
      // A tone rich in harmonics (the standard asks for at least four), so it is heard and located in a noisy ward.
      const wave = context.createPeriodicWave(new Float32Array([0, 0, 0, 0, 0, 0]), new Float32Array([0, 1, 0.5, 0.35, 0.25, 0.2]));
      for (const start of pattern.starts) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.setPeriodicWave(wave);
        oscillator.frequency.value = pattern.frequency;
        gain.gain.setValueAtTime(0, now + start);
        gain.gain.linearRampToValueAtTime(0.3, now + start + 0.02);
        gain.gain.setValueAtTime(0.3, now + start + pattern.pulse - 0.03);
        gain.gain.linearRampToValueAtTime(0, now + start + pattern.pulse);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(now + start);
        oscillator.stop(now + start + pattern.pulse + 0.01);
      }
    }

    // The loudest priority among active, unacknowledged alarms sounds; acknowledging silences that alarm.
    function sounding() {
      let loudest = null;
      for (const alarm of alarms.values()) {
        if (alarm.acknowledged) continue;
        if (alarm.priority === "high") return "high";
        if (alarm.priority === "medium") loudest = "medium";
      }
      return loudest;
    }

    function update() {
      const priority = sounding();
      document.body.dataset.sounding = priority ?? "none";
      if (!context || !priority) { if (!priority) next = { high: 0, medium: 0 }; return; }
      const now = Date.now();
      if (now >= next[priority]) {
        play(patterns[priority]);
        next[priority] = now + patterns[priority].every;
      }
    }

    function enable() {
      context ??= new AudioContext();
      context.resume();
      banner.hidden = true;
      state.textContent = "Sound on";
      state.classList.add("connected");
      document.body.dataset.sound = "on";
      update();
    }

    document.getElementById("enable-sound")?.addEventListener("click", enable);
    document.body.dataset.sound = "off";
    setInterval(update, 500);
    return { update };
  })();

  // --- live events ---------------------------------------------------------------------------------------------------
  const connectionState = document.getElementById("connection-state");
  const lostBanner = document.getElementById("connection-lost");

  function setConnected(connected) {
    lostBanner.hidden = connected;
    connectionState.textContent = connected ? "Connected" : "Connection lost";
    connectionState.classList.toggle("connected", connected);
    connectionState.classList.toggle("lost", !connected);
    document.body.dataset.connection = connected ? "connected" : "lost";
  }

  // The snapshot is fetched again after every (re)connection and resync; events that arrive meanwhile wait for it.
  async function sync() {
    if (syncing) return syncing;
    buffered = [];
    syncing = (async () => {
      try { await page.refresh(); } finally {
        const waiting = buffered;
        buffered = [];
        syncing = null;
        for (const [name, data] of waiting) dispatch(name, data);
      }
    })();
    return syncing;
  }

  function dispatch(name, data) {
    if (syncing) { buffered.push([name, data]); return; }
    if (name === "alarm") applyAlarmEvent(data);
    else if (name === "bed") page?.onBed?.(data);
  }

  function connect() {
    source = new EventSource("/station/events");
    source.addEventListener("open", () => { setConnected(true); sync(); });
    source.addEventListener("error", () => {
      setConnected(false);
      if (source.readyState === EventSource.CLOSED) {
        // The gateway refused the stream (an HTTP error, not a network one, which the browser retries itself): the
        // snapshot's fetch sends a signed-out page to sign-in; otherwise try the stream again from scratch.
        setTimeout(() => { page.refresh().catch(() => {}); connect(); }, 3000);
      }
    });
    source.addEventListener("alarm", event => dispatch("alarm", JSON.parse(event.data)));
    source.addEventListener("bed", event => dispatch("bed", JSON.parse(event.data)));
    source.addEventListener("resync", () => sync());
  }

  function start(definition) {
    page = definition;
    // Not "lost" before the first attempt: the banner appears on the first error only.
    document.body.dataset.connection = "connecting";
    connect();
  }

  return { start, getJson, postJson, el, age, clock, describe, bandLabel, alarmElement, tileElement, sortAlarms, byAttention, setAlarms, mayAct, sync };
})();
