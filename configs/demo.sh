#!/usr/bin/env bash
# The MedIoT ward demo: installs what is missing, starts a private mosquitto and InfluxDB on loopback,
# provisions a simulated ward (8 beds, a pulse oximeter each, new keys), and runs the gateway and the
# simulator; the simulator also plays one scenario (a desaturation at bed 02, sped up) so the demo shows alarms. The
# gateway anchors its signed checkpoints in a hospital ledger (mediot-ledger, SQLite) whose checkpoints two witnesses
# (mediot-witness) cosign, all with keys created in the demo's folder. Everything lives in one private temporary
# folder; Ctrl+C (or SIGTERM) stops every process it started and removes the folder.
# The gateway serves its HTTP surface, with the ward's central station at /station, over HTTPS with a self-signed
# certificate for localhost and 127.0.0.1 that the demo makes in its folder (openssl; the key owner-only); the
# simulator and the demo's own curl commands trust exactly that certificate. The demo prints the station's address and
# the demo accounts (nurse, physician, viewer, it) with passwords generated for the run.
# The broker runs the shipped access control (configs/mosquitto/mosquitto.conf and mediot.acl; README, "A ward's
# broker"): no anonymous clients; provisioning writes each device's password beside its key, the passwords of the
# gateway's, the ledger's and the stations' accounts in ward/accounts/, and mosquitto's password file.
#
# Bed 03 also has sensors wired to the gateway itself (docs/attached-sensors.md), on simulated chips: a bed scale (load
# cells through an HX711), an infrared thermometer (MLX90614) and the call button with an answer button. The demo
# calibrates the scale with mediot-gateway calibrate-scale, then the simulator's bedside story arms bed-exit monitoring as
# the demo nurse, raises a fever, presses the call button (answered at the bed 15 s later) and has the patient leave the
# bed for 20 s.
#
# Settings (environment variables, all optional):
#   MEDIOT_DEMO_BEDS        beds to simulate (default 8)
#   MEDIOT_DEMO_MQTT_PORT   loopback port of the demo's mosquitto (default 18830)
#   MEDIOT_DEMO_INFLUX_PORT loopback port of the demo's InfluxDB HTTP API (default 18086)
#   MEDIOT_DEMO_HTTP_PORT   loopback port of the gateway's HTTPS surface and station (default 18080)
#   MEDIOT_DEMO_LEDGER_PORT loopback port of the ledger service (default 18090); the two witnesses use the next two
#   MEDIOT_DEMO_INTERVAL_MS milliseconds between frames of one device (default 1000)
#   MEDIOT_DEMO_SCENARIO    scenario the simulator plays on top of the ward (default configs/scenarios/desaturation.json;
#                           any of configs/scenarios/, status windows travel in the frames; empty: none)
#   MEDIOT_DEMO_SPEED       how much faster than real time the scenario plays (default 10)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

beds="${MEDIOT_DEMO_BEDS:-8}"
mqtt_port="${MEDIOT_DEMO_MQTT_PORT:-18830}"
influx_port="${MEDIOT_DEMO_INFLUX_PORT:-18086}"
http_port="${MEDIOT_DEMO_HTTP_PORT:-18080}"
ledger_port="${MEDIOT_DEMO_LEDGER_PORT:-18090}"
witness_ports=($((ledger_port + 1)) $((ledger_port + 2)))
interval_ms="${MEDIOT_DEMO_INTERVAL_MS:-1000}"
scenario="${MEDIOT_DEMO_SCENARIO-configs/scenarios/desaturation.json}"
speed="${MEDIOT_DEMO_SPEED:-10}"
scenario_args=()
if [[ -n "$scenario" ]]; then
  if [[ ! -f "$scenario" ]]; then echo "demo: no scenario file $scenario" >&2; exit 1; fi
  scenario_args=(--scenario "$scenario")
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$mqtt_port" "$influx_port" "$http_port" "$ledger_port" "${witness_ports[@]}"; do
  if port_in_use "$port"; then
    echo "demo: port $port on 127.0.0.1 is taken; choose others with MEDIOT_DEMO_MQTT_PORT / MEDIOT_DEMO_INFLUX_PORT / MEDIOT_DEMO_HTTP_PORT / MEDIOT_DEMO_LEDGER_PORT" >&2
    exit 1
  fi
done

configs/install.sh
echo "demo: building"
dotnet restore MedIoT.sln --nologo -v quiet
dotnet build gateway/MedIoT.Gateway/MedIoT.Gateway.csproj --no-restore --nologo -v quiet -clp:NoSummary -c Release -o "$root/.demo/bin/gateway"
dotnet build firmware-sim/MedIoT.FirmwareSim/MedIoT.FirmwareSim.csproj --no-restore --nologo -v quiet -clp:NoSummary -c Release -o "$root/.demo/bin/sim"
dotnet build ledger/MedIoT.Ledger.Service/MedIoT.Ledger.Service.csproj --no-restore --nologo -v quiet -clp:NoSummary -c Release -o "$root/.demo/bin/ledger"
dotnet build ledger/MedIoT.Ledger.Witness/MedIoT.Ledger.Witness.csproj --no-restore --nologo -v quiet -clp:NoSummary -c Release -o "$root/.demo/bin/witness"

work="$(mktemp -d "${TMPDIR:-/tmp}/mediot-demo.XXXXXX")"
chmod 700 "$work"
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  # Newest first: the simulator, the witnesses and the ledger, then the gateway (it journals what it holds), then the
  # servers it uses.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
  echo "demo: stopped every process it started and removed $work"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Waits (bounded) until a log file shows a line, or the process died.
wait_for_line() {
  local file="$1" marker="$2" pid="$3" name="$4"
  for _ in $(seq 1 300); do
    if grep -q "$marker" "$file" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "demo: $name exited; its log:" >&2; cat "$file" >&2; exit 1; fi
    sleep 0.1
  done
  echo "demo: $name did not start within 30 s; its log:" >&2; cat "$file" >&2; exit 1
}

# The ward first: the broker reads its accounts (ward/mosquitto.passwd) when it starts.
attached_bed=03
dotnet .demo/bin/sim/mediot-sim.dll provision --output "$work/ward" --ward 7A --beds "$beds" "${scenario_args[@]}" \
  --service-account mediot-gateway --service-account mediot-ledger --service-account mediot-station --attached-bed "$attached_bed"
accounts="$work/ward/accounts"

mkdir -p "$work/mosquitto" "$work/influxdb"
cp configs/mosquitto/mediot.acl "$work/mosquitto/mediot.acl"
sed -e "s#{{PORT}}#$mqtt_port#; s#{{DATA_DIR}}#$work/mosquitto#; s#{{USER}}#$(id -un)#" \
  -e "s#{{PASSWORD_FILE}}#$work/ward/mosquitto.passwd#; s#{{ACL_FILE}}#$work/mosquitto/mediot.acl#" \
  configs/mosquitto/mosquitto.conf > "$work/mosquitto/mosquitto.conf"
rpc_port=$((influx_port + 2))
sed -e "s#{{HTTP_PORT}}#$influx_port#; s#{{RPC_PORT}}#$rpc_port#; s#{{DATA_DIR}}#$work/influxdb#" \
  configs/influxdb/influxdb.conf > "$work/influxdb/influxdb.conf"

mosquitto -c "$work/mosquitto/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
wait_for_line "$work/mosquitto.log" "running" "$!" mosquitto
influxd -config "$work/influxdb/influxdb.conf" > "$work/influxd.log" 2>&1 &
pids+=($!)
wait_for_line "$work/influxd.log" "Listening on HTTP" "$!" influxd
echo "demo: mosquitto on 127.0.0.1:$mqtt_port, InfluxDB on 127.0.0.1:$influx_port (data in $work)"

# HTTPS (docs/accounts.md §6): a self-signed certificate for this run, valid two days, for the names a browser on this
# machine uses (RFC 5280 §4.2.1.6 subjectAltName: localhost, 127.0.0.1, ::1); the key is owner-only.
tls="$work/tls"
mkdir -p -m 700 "$tls"
(umask 077; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" -addext "extendedKeyUsage=serverAuth" \
  -keyout "$tls/key.pem" -out "$tls/certificate.pem" 2> "$tls/openssl.log") \
  || { echo "demo: openssl could not make the certificate:" >&2; cat "$tls/openssl.log" >&2; exit 1; }
chmod 600 "$tls/key.pem"
certificate="$tls/certificate.pem"
gateway_url="https://127.0.0.1:$http_port"
fingerprint=$(openssl x509 -in "$certificate" -noout -fingerprint -sha256 | cut -d= -f2)

# Sign-in (docs/accounts.md): demo people with generated passwords, an API token for the simulator's staff entries and
# one for the demo's own reads of the alarm API, in an owner-only accounts file.
access="$work/access"
mkdir -p -m 700 "$access"
gateway_cli=(dotnet .demo/bin/gateway/MedIoT.Gateway.dll accounts)
demo_people=()
for person in nurse.demo:nurse physician.demo:physician viewer.demo:viewer it.demo:it; do
  name="${person%%:*}"; role="${person##*:}"
  password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  printf '%s\n' "$password" | "${gateway_cli[@]}" add-person "$name" --role "$role" --file "$access/accounts.json" > /dev/null
  demo_people+=("$name ($role): $password")
done
(umask 077; "${gateway_cli[@]}" add-token mediot-sim --role nurse --file "$access/accounts.json" > "$access/mediot-sim.token" 2> /dev/null)
(umask 077; "${gateway_cli[@]}" add-token demo.monitor --role viewer --role it --file "$access/accounts.json" > "$access/demo-monitor.token" 2> /dev/null)
monitor_auth="Authorization: Bearer $(cat "$access/demo-monitor.token")"

# Bed 03's sensors wired to the gateway, on the simulated chips the bedside state file moves (docs/attached-sensors.md §2).
bedside="$work/bedside-$attached_bed.json"
attached="MEDIOT_Gateway__Attached__Sensors__"
export MEDIOT_Gateway__Attached__StateFolder="$work/state/attached" \
  "${attached}0__Name=bed$attached_bed-scale" "${attached}0__Kind=BedScale" "${attached}0__Bus=Simulated" \
  "${attached}0__DeviceId=ward7a-bed$attached_bed-scale" "${attached}0__DataPin=5" "${attached}0__ClockPin=6" \
  "${attached}0__CalibrationPath=$work/state/attached/bed$attached_bed-scale.calibration.json" "${attached}0__SimulationStatePath=$bedside" \
  "${attached}1__Name=bed$attached_bed-thermometer" "${attached}1__Kind=Thermometer" "${attached}1__Bus=Simulated" \
  "${attached}1__DeviceId=ward7a-bed$attached_bed-thermometer" "${attached}1__SimulationStatePath=$bedside" \
  "${attached}2__Name=bed$attached_bed-call" "${attached}2__Kind=CallButton" "${attached}2__Bus=Simulated" \
  "${attached}2__Ward=7A" "${attached}2__Bed=$attached_bed" "${attached}2__Pin=17" "${attached}2__AnswerPin=27" "${attached}2__SimulationStatePath=$bedside"
# Calibrating the scale, as an engineer does at the bed (docs/attached-sensors.md §3): the bed empty, then 20 kg on it.
sim_cli=(dotnet .demo/bin/sim/mediot-sim.dll)
"${sim_cli[@]}" bedside --state "$bedside" --still-kilograms 0
dotnet .demo/bin/gateway/MedIoT.Gateway.dll calibrate-scale --sensor "bed$attached_bed-scale" --empty --settings configs/gateway.json | sed 's/^/[calibrate] /'
"${sim_cli[@]}" bedside --state "$bedside" --still-kilograms 20
dotnet .demo/bin/gateway/MedIoT.Gateway.dll calibrate-scale --sensor "bed$attached_bed-scale" --known-kilograms 20 --settings configs/gateway.json | sed 's/^/[calibrate] /'

MEDIOT_Gateway__GatewayId=gw-demo \
MEDIOT_Gateway__DeviceRegistryPath="$work/ward/devices.json" \
MEDIOT_Gateway__Mqtt__Port="$mqtt_port" \
MEDIOT_Gateway__Mqtt__PasswordFile="$accounts/mediot-gateway.password" \
MEDIOT_Gateway__Influx__Url="http://127.0.0.1:$influx_port/" \
MEDIOT_Gateway__Http__Url="$gateway_url" \
MEDIOT_Gateway__Http__CertificatePath="$certificate" \
MEDIOT_Gateway__Http__CertificateKeyPath="$tls/key.pem" \
MEDIOT_Gateway__Access__AccountsPath="$access/accounts.json" \
MEDIOT_Gateway__Access__KeysFolder="$work/state/access-keys" \
MEDIOT_Gateway__Ingestion__RejectionSummaryIntervalSeconds=15 \
MEDIOT_Gateway__Journal__Folder="$work/state/journal" \
MEDIOT_Gateway__Journal__BacklogLogIntervalSeconds=15 \
MEDIOT_Gateway__Identity__KeyFile="$work/state/identity/gateway-key.jwk" \
MEDIOT_Gateway__Serial__StateFolder="$work/state/serial" \
MEDIOT_Gateway__Alerts__OutboxFolder="$work/state/alerts-outbox" \
MEDIOT_Gateway__Journal__CheckpointIntervalSeconds=5 \
MEDIOT_Gateway__Anchoring__LedgerUrl="http://127.0.0.1:$ledger_port/" \
  dotnet .demo/bin/gateway/MedIoT.Gateway.dll --settings configs/gateway.json > >(tee "$work/gateway.log" | sed -u 's/^/[gateway] /') 2>&1 &
pids+=($!)
gateway_pid=$!

# The hospital ledger: the gateway's checkpoint key (logged when its journal opens, event 80) is its registry entry;
# the witnesses' keys are created first, the ledger creates its own key and tells it, and the witnesses trust it.
wait_for_line "$work/gateway.log" "checkpoint key " "$gateway_pid" gateway
gateway_vkey=$(grep -m1 -o 'checkpoint key [^ ]*' "$work/gateway.log" | cut -d' ' -f3)
gateway_origin=${gateway_vkey%%+*}
mkdir -p "$work/ledger"
printf '{"gateways":[{"origin":"%s","vkey":"%s"}]}\n' "$gateway_origin" "$gateway_vkey" > "$work/ledger/ledger-gateways.json"
witness_vkeys=()
for i in 1 2; do
  mkdir -p "$work/witness$i"
  witness_vkeys+=("$(dotnet .demo/bin/witness/mediot-witness.dll keygen --key "$work/witness$i/key/witness.jwk" --name "w$i.witness.demo")")
done
MEDIOT_Ledger__Url="http://127.0.0.1:$ledger_port" \
MEDIOT_Ledger__KeyFile="$work/ledger/ledger-key.jwk" \
MEDIOT_Ledger__RegistryFile="$work/ledger/ledger-gateways.json" \
MEDIOT_Ledger__Storage__SqlitePath="$work/ledger/ledger-data/ledger.db" \
MEDIOT_Ledger__Witnesses__0__VerifierKey="${witness_vkeys[0]}" MEDIOT_Ledger__Witnesses__0__Url="http://127.0.0.1:${witness_ports[0]}/" \
MEDIOT_Ledger__Witnesses__1__VerifierKey="${witness_vkeys[1]}" MEDIOT_Ledger__Witnesses__1__Url="http://127.0.0.1:${witness_ports[1]}/" \
MEDIOT_Ledger__RequiredCosignatures=2 \
MEDIOT_Ledger__Alarm__Mqtt__Port="$mqtt_port" \
MEDIOT_Ledger__Alarm__Mqtt__PasswordFile="$accounts/mediot-ledger.password" \
MEDIOT_Logging__LogLevel__Microsoft=Warning \
  dotnet .demo/bin/ledger/mediot-ledger.dll --settings configs/ledger.json > >(tee "$work/ledger.log" | sed -u 's/^/[ledger] /') 2>&1 &
pids+=($!)
wait_for_line "$work/ledger.log" "Ledger listening on" "$!" ledger
ledger_vkey=$(grep -m1 -o 'verifier key [^ ]*' "$work/ledger.log" | cut -d' ' -f3)
for i in 1 2; do
  port=${witness_ports[$((i - 1))]}
  cat > "$work/witness$i/witness.json" <<WITNESS
{"Witness": {"Name": "w$i.witness.demo", "KeyFile": "$work/witness$i/key/witness.jwk", "StateFolder": "$work/witness$i/state",
  "EvidenceFolder": "$work/witness$i/evidence", "Url": "http://127.0.0.1:$port",
  "Logs": [{"Origin": "${ledger_vkey%%+*}", "Keys": ["$ledger_vkey"]}]},
 "Logging": {"LogLevel": {"Default": "Information", "Microsoft": "Warning"}}}
WITNESS
  dotnet .demo/bin/witness/mediot-witness.dll --config "$work/witness$i/witness.json" > >(tee "$work/witness$i.log" | sed -u "s/^/[witness$i] /") 2>&1 &
  pids+=($!)
  wait_for_line "$work/witness$i.log" "mediot-witness listening on" "$!" "witness$i"
done
echo "demo: ledger on 127.0.0.1:$ledger_port (key $ledger_vkey), witnesses on 127.0.0.1:${witness_ports[0]} and :${witness_ports[1]}, 2 cosignatures required"
exclude_args=()
if [[ -n "$scenario" ]]; then exclude_args=(--exclude-scenario "$scenario"); fi
dotnet .demo/bin/sim/mediot-sim.dll run --ward-folder "$work/ward" --port "$mqtt_port" --interval-ms "$interval_ms" "${exclude_args[@]}" \
  > >(sed -u 's/^/[simulator] /') 2>&1 &
pids+=($!)
if [[ -n "$scenario" ]]; then
  # Staff entries of a scenario go to the gateway's HTTP API: wait (bounded) until it answers.
  for _ in $(seq 1 300); do
    if curl -sf --cacert "$certificate" "$gateway_url/health" > /dev/null 2>&1; then break; fi
    sleep 0.1
  done
  dotnet .demo/bin/sim/mediot-sim.dll scenario "$scenario" --ward-folder "$work/ward" --port "$mqtt_port" \
    --gateway-url "$gateway_url/" --gateway-certificate "$certificate" --gateway-token-file "$access/mediot-sim.token" --speed "$speed" > >(sed -u 's/^/[scenario] /') 2>&1 &
  pids+=($!)
fi
# Bed 03's bedside story, in real time: bed-exit monitoring armed (with the simulator's nurse token), a fever, a call
# answered at the bed, the patient out of bed from 90 s to 110 s.
for _ in $(seq 1 300); do
  if curl -sf --cacert "$certificate" "$gateway_url/health" > /dev/null 2>&1; then break; fi
  sleep 0.1
done
"${sim_cli[@]}" bedside --state "$bedside" --ward 7A --bed "$attached_bed" --gateway-url "$gateway_url/" --gateway-certificate "$certificate" \
  --gateway-token-file "$access/mediot-sim.token" > >(sed -u 's/^/[bedside] /') 2>&1 &
pids+=($!)

query="SELECT last(value) FROM vitals WHERE time > now() - 1m GROUP BY ward, bed, device, code"
cat <<INFO

demo: the ward is running. Where to look:
  - [scenario] lines: the simulator playing $scenario ${speed}x sped up; the gateway's "Alarm ... Raised" lines
    and the active alarm count below show its alarms (they stay active until acknowledged or resolved).
  - [gateway] lines: "MQTT connected", "subscribed" = ingestion is up; "Readings are being stored" = the first
    batch is durable in InfluxDB; "Ingestion totals" every 15 s; a "Frame rejected" or "SECURITY" line names a
    bad frame's device and reason (never its values).
  - Alarms as the nurses' stations see them (events, and each bed's retained state), with the stations' account
    (each client needs an account: the broker refuses anonymous ones), and the active alarms:
      mosquitto_sub -h 127.0.0.1 -p $mqtt_port -u mediot-station -P "\$(cat $accounts/mediot-station.password)" -v -t 'mediot/v1/alerts/#'
      curl -s --cacert $certificate -H "Authorization: Bearer \$(cat $access/demo-monitor.token)" $gateway_url/alarms
  - The gateway's health and totals (open without sign-in: counts only):
      curl -s --cacert $certificate $gateway_url/health
  - The latest reading of every bed:
      curl -sG 'http://127.0.0.1:$influx_port/query' --data-urlencode 'db=mediot' --data-urlencode "q=$query"
  - All readings of bed 01:
      curl -sG 'http://127.0.0.1:$influx_port/query' --data-urlencode 'db=mediot' --data-urlencode "q=SELECT * FROM vitals WHERE bed='01'"
  - Live frames on the broker (only the gateway's account may read them; each device may only publish its own):
      mosquitto_sub -h 127.0.0.1 -p $mqtt_port -u mediot-gateway -P "\$(cat $accounts/mediot-gateway.password)" -t 'mediot/v1/devices/+/frames' -v
  - The hospital ledger: its cosigned checkpoint, and what it anchored of this gateway:
      curl -s http://127.0.0.1:$ledger_port/checkpoint
      curl -s 'http://127.0.0.1:$ledger_port/anchored?origin=$gateway_origin'
  - A proof bundle for journal entry 0 (reading, gateway checkpoint, ledger receipt, cosignatures), verified offline:
      the gateway's "audit ... --bundle-for 0" (README, Audit), then mediot-verify bundle <file> --log-key '$gateway_vkey'
      --ledger-key '$ledger_vkey' --witness-key '${witness_vkeys[0]}' --witness-key '${witness_vkeys[1]}' --require-cosignatures 2

demo: THE WARD'S CENTRAL STATION
  Open  $gateway_url/station  in a browser on this machine.
  The browser warns that the connection is not private: the certificate is self-signed, made by this demo for
  localhost and 127.0.0.1 a moment ago, and no authority the browser trusts vouches for it. It is this run's
  certificate if its SHA-256 fingerprint is
    $fingerprint
  ($certificate); then continue to the site. A ward gives the gateway a certificate from the hospital's
  authority (Gateway:Http:CertificatePath and CertificateKeyPath, docs/accounts.md).
  Sign in with a demo account (passwords generated for this run):
$(printf '    %s\n' "${demo_people[@]}")
  Bed $attached_bed has sensors wired to the gateway: its weight and temperature appear in the bed view, a patient call
  at 30 s (answered at the bed at 45 s), a fever alarm near 70 s, and "bed exit" (high priority) at about 90 s,
  latched when the patient is back at 110 s until a nurse acknowledges it ([bedside] lines).
  What to look for: within a minute bed 02 (ward 7A) shows the desaturation alarm (SpO2 low, flashing red for high
  priority); click "Enable alarm sound" once to hear it; a nurse or physician acknowledges it on the tile or in the
  bed view (trends, NEWS2); the viewer sees but cannot acknowledge; it.demo sees the IT view (/station/it).
  Ctrl+C stops everything.

INFO

# Show the stored count and the active alarm count every 10 s so the data and the alarms are seen arriving.
while true; do
  sleep 10 &
  wait $! || true
  count=$(curl -sG "http://127.0.0.1:$influx_port/query" --data-urlencode 'db=mediot' \
    --data-urlencode 'q=SELECT count(value) FROM vitals' | grep -o '"values":\[\[[^]]*\]\]' | grep -o '[0-9]*\]\]$' | tr -d ']' || true)
  alarms=$(curl -s --cacert "$certificate" -H "$monitor_auth" "$gateway_url/alarms" | grep -o '"id":' | wc -l || true)
  anchored=$(curl -s "http://127.0.0.1:$ledger_port/anchored?origin=$gateway_origin" || true)
  echo "[demo] InfluxDB holds ${count:-0} readings; ${alarms:-0} active alarms (GET /alarms with $access/demo-monitor.token); ledger anchored the journal up to ${anchored:-?} entries"
done
