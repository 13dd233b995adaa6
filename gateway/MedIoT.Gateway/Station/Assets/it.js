// MedIoT ward station: the IT view: gateway health, devices, serial ports, the IT channel's security alarms.
"use strict";

(() => {
  const el = Station.el;
  let snapshot = null;

  const healthRows = [
    ["Status", health => health.status],
    ["Up for", health => Math.round(health.uptimeSeconds / 60) + " min"],
    ["Frames accepted", health => health.framesAccepted],
    ["Frames rejected", health => health.framesRejected],
    ["Readings stored", health => health.readingsStored],
    ["Journal size", health => health.journalSize],
    ["InfluxDB writer lag", health => health.influxLagEntries + " entries, " + health.influxLagSeconds + " s"],
    ["InfluxDB points refused", health => health.influxPointsRefused],
    ["Journal latency p50 / p99", health => health.journalLatencyP50Milliseconds + " / " + health.journalLatencyP99Milliseconds + " ms"],
    ["Anchoring", health => health.anchoring.enabled
      ? "anchored up to " + health.anchoring.anchoredSize + ", " + health.anchoring.unanchoredCheckpoints + " checkpoints waiting"
        + (health.anchoring.lastError ? " — last error: " + health.anchoring.lastError : "")
      : "off"],
  ];

  function render() {
    const now = Date.now();
    const health = snapshot.health;
    document.getElementById("health").replaceChildren(el("dl", { class: "health" },
      ...healthRows.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { "data-testid": "health-" + name.toLowerCase().replaceAll(/[^a-z0-9]+/g, "-"), text: String(value(health)) })])));
    const alarms = snapshot.securityAlarms;
    document.getElementById("security-alarms").replaceChildren(alarms.length
      ? el("ul", { class: "alarms" }, ...Station.sortAlarms(alarms).map(Station.alarmElement))
      : el("p", { class: "muted", text: "No security alarms." }));
    document.getElementById("devices").replaceChildren(el("table", null,
      el("thead", null, el("tr", null, ...["Device", "Kind", "Bed", "Trust", "Last frame", "State"].map(name => el("th", { text: name })))),
      el("tbody", null, ...snapshot.devices.map(device => el("tr", { "data-testid": "device-" + device.deviceId },
        el("td", { text: device.deviceId }), el("td", { text: device.kind }), el("td", { text: device.ward + "/" + device.bed }),
        el("td", { text: device.trust + (device.revoked ? " (revoked)" : "") }),
        el("td", device.lastFrameAt ? { "data-measured-at": device.lastFrameAt, text: Station.age(device.lastFrameAt, now) } : { text: "none since start" }),
        el("td", { text: device.states.length ? device.states.join(", ") : "ok" }))))));
    document.getElementById("serial-ports").replaceChildren(snapshot.serialPorts.length
      ? el("table", null, el("tbody", null, ...snapshot.serialPorts.map(port => el("tr", { "data-testid": "port-" + port.deviceId },
          el("td", { text: port.path }), el("td", { text: port.deviceId }), el("td", { text: port.connected ? "connected" : "disconnected" })))))
      : el("p", { class: "muted", text: "No serial ports configured." }));
    Station.setAlarms(alarms);
  }

  async function refresh() {
    const answer = await Station.getJson("/station/api/it");
    if (!answer.ok) return;
    snapshot = answer.body;
    render();
  }

  function onAlarm(message) {
    if (!snapshot || message.alarm.channel !== "it") return;
    snapshot.securityAlarms = snapshot.securityAlarms.filter(alarm => alarm.id !== message.alarm.id);
    if (message.event !== "resolved") snapshot.securityAlarms.push(message.alarm);
    render();
  }

  Station.start({ refresh, onAlarm, onBed: () => {} });
  setInterval(() => { if (document.body.dataset.connection === "connected") refresh(); }, 5000);
})();
