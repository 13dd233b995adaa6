// MedIoT ward station: the overview, one tile per bed, attention first.
"use strict";

(() => {
  const tiles = document.getElementById("tiles");
  const gateway = document.getElementById("gateway-alarms");
  let snapshot = null;
  let refetch = null;

  function allAlarms() {
    return [...snapshot.beds.flatMap(tile => tile.alarms), ...snapshot.gatewayAlarms, ...(snapshot.securityAlarms ?? [])];
  }

  function render() {
    const now = Date.now();
    const sorted = [...snapshot.beds].sort(Station.byAttention);
    tiles.replaceChildren(...sorted.map(tile => Station.tileElement(tile, now, true)));
    if (sorted.length === 0) tiles.append(Station.el("p", { class: "muted", text: "No beds are registered." }));
    const placeless = [...snapshot.gatewayAlarms, ...(snapshot.securityAlarms ?? [])];
    gateway.hidden = placeless.length === 0;
    gateway.replaceChildren(Station.el("h2", { text: "Gateway" }),
      Station.el("ul", { class: "alarms" }, ...Station.sortAlarms(placeless).map(Station.alarmElement)));
    Station.setAlarms(allAlarms());
  }

  async function refresh() {
    const answer = await Station.getJson("/station/api/overview");
    if (!answer.ok) return;
    // The snapshot's clock is the alert engine's: bed states older than it are already in it.
    snapshot = answer.body;
    render();
  }

  function listOf(alarm) {
    if (alarm.channel === "it") return snapshot.securityAlarms ?? null;
    if (alarm.ward === null) return snapshot.gatewayAlarms;
    return snapshot.beds.find(tile => tile.ward === alarm.ward && tile.bed === alarm.bed)?.alarms ?? null;
  }

  function onAlarm(message) {
    if (!snapshot) return;
    const list = listOf(message.alarm);
    if (!list) return;
    const index = list.findIndex(alarm => alarm.id === message.alarm.id);
    if (index >= 0) list.splice(index, 1);
    if (message.event !== "resolved") list.push(message.alarm);
    render();
  }

  function onBed(state) {
    if (!snapshot) return;
    if (!state.ward) {
      // The gateway's or the IT channel's state names no channel: fetch the snapshot again (rare).
      clearTimeout(refetch);
      refetch = setTimeout(() => Station.sync(), 300);
      return;
    }
    const tile = snapshot.beds.find(candidate => candidate.ward === state.ward && candidate.bed === state.bed);
    if (!tile || Date.parse(state.at) < Date.parse(snapshot.at)) return;
    tile.alarms = state.alarms;
    render();
  }

  Station.start({ refresh, onAlarm, onBed });
  // Vitals are not pushed: the overview fetches them every 10 s (alarms arrive at once as events).
  setInterval(() => { if (document.body.dataset.connection === "connected") Station.sync(); }, 10_000);
})();
