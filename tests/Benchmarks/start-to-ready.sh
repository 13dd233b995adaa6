#!/usr/bin/env bash
# Start-to-ready of the released gateway: the time from exec to the first 200 of GET /health, for the self-contained
# linux-x64 build run natively and the linux-arm64 build run under qemu-aarch64-static (information only: an emulator is
# no Raspberry Pi). Each run starts the gateway on a fresh state folder (it creates its identity key and journal) beside a
# private mosquitto and influxd on loopback, waits for /health (polled every 20 ms, at most 300 s), then stops it with
# SIGTERM. Prints one line per run with the gateway's resident memory at that moment (VmRSS) and the load average before
# it (docs/benchmarks/release.md). With "attached" the gateway also runs bed 03's three sensors wired to it (a bed scale,
# an infrared thermometer, a call button; docs/attached-sensors.md) on the simulated bus, so the two kinds of run show
# what the sensor bindings add at start.
#
#   tests/Benchmarks/start-to-ready.sh [x64|arm64] [runs] [attached]      (default: x64, 5 runs, no sensors)
#
# The release is read from MEDIOT_RELEASE_DIR or artifacts/release (configs/release.sh builds it). Run benchmarks one at a
# time on a shared machine: wrap this command in flock on the machine's benchmark lock.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
arch="${1:-x64}"
runs="${2:-5}"
sensors="${3:-}"
release="${MEDIOT_RELEASE_DIR:-$root/artifacts/release}"
gateway="$release/linux-$arch/gateway/MedIoT.Gateway"
case "$arch" in
  x64) launcher=() ;;
  arm64) launcher=(qemu-aarch64-static) ;;
  *) echo "start-to-ready: architecture '$arch' is not x64 or arm64" >&2; exit 2 ;;
esac
if [[ ! -x "$gateway" ]]; then echo "start-to-ready: no $gateway; build it: configs/release.sh --arch $arch" >&2; exit 1; fi
for program in mosquitto influxd curl "${launcher[@]}"; do
  command -v "$program" >/dev/null || { echo "start-to-ready: $program is missing; run configs/install.sh" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/mediot-start.XXXXXX")"
pids=()
gateway_pid=""
cleanup() {
  for pid in $gateway_pid "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits (bounded, 30 s) until a log file shows a line.
wait_for_line() {
  for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "start-to-ready: '$2' did not appear in $1:" >&2; cat "$1" >&2; exit 1
}

# The broker takes any client here: start-up, not access control, is measured (the gateway's password comes from the
# environment, as the settings allow).
mqtt_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
wait_for_line "$work/mosquitto.log" "running"
influx_port=$(free_port)
mkdir -p "$work/influxdb"
sed -e "s#{{HTTP_PORT}}#$influx_port#; s#{{RPC_PORT}}#$(free_port)#; s#{{DATA_DIR}}#$work/influxdb#" \
  "$root/configs/influxdb/influxdb.conf" > "$work/influxdb/influxdb.conf"
influxd -config "$work/influxdb/influxdb.conf" > "$work/influxd.log" 2>&1 &
pids+=($!)
wait_for_line "$work/influxd.log" "Listening on HTTP"
printf '{ "devices": [] }\n' > "$work/devices.json"
attached=()
if [[ "$sensors" == attached ]]; then
  printf '{ "devices": [ { "deviceId": "ward7a-bed03-scale", "kind": "bed-scale", "ward": "7A", "bed": "03", "trust": "gateway-attested" },\n' > "$work/devices.json"
  printf '  { "deviceId": "ward7a-bed03-thermometer", "kind": "ir-thermometer", "ward": "7A", "bed": "03", "trust": "gateway-attested" } ] }\n' >> "$work/devices.json"
  (umask 077; printf '{"zeroCounts": 52000, "countsPerKilogram": 5000}\n' > "$work/scale.calibration.json")
  printf '{"loadKilograms": 72.4, "objectCelsius": 36.8, "ambientCelsius": 22.5, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}\n' > "$work/bedside.json"
  a=MEDIOT_Gateway__Attached__Sensors__
  attached=("${a}0__Name=bed03-scale" "${a}0__Kind=BedScale" "${a}0__Bus=Simulated" "${a}0__DeviceId=ward7a-bed03-scale"
    "${a}0__DataPin=5" "${a}0__ClockPin=6" "${a}0__CalibrationPath=$work/scale.calibration.json" "${a}0__SimulationStatePath=$work/bedside.json"
    "${a}1__Name=bed03-thermometer" "${a}1__Kind=Thermometer" "${a}1__Bus=Simulated" "${a}1__DeviceId=ward7a-bed03-thermometer"
    "${a}1__SimulationStatePath=$work/bedside.json"
    "${a}2__Name=bed03-call" "${a}2__Kind=CallButton" "${a}2__Bus=Simulated" "${a}2__Ward=7A" "${a}2__Bed=03" "${a}2__Pin=17"
    "${a}2__AnswerPin=27" "${a}2__SimulationStatePath=$work/bedside.json")
fi

echo "start-to-ready: $arch, $runs runs, ${launcher[*]:-native} $gateway${attached:+, with 3 simulated sensors wired to it}"
for run in $(seq 1 "$runs"); do
  state="$work/run$run"
  mkdir -p "$state"
  http_port=$(free_port)
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s%N)
  MEDIOT_Gateway__GatewayId=gw-start \
  MEDIOT_Gateway__DeviceRegistryPath="$work/devices.json" \
  MEDIOT_Gateway__Mqtt__Port="$mqtt_port" \
  MEDIOT_Gateway__Mqtt__Password=start-to-ready \
  MEDIOT_Gateway__Influx__Url="http://127.0.0.1:$influx_port/" \
  MEDIOT_Gateway__Http__Url="http://127.0.0.1:$http_port" \
  MEDIOT_Gateway__Journal__Folder="$state/journal" \
  MEDIOT_Gateway__Identity__KeyFile="$state/identity/gateway-key.jwk" \
  MEDIOT_Gateway__Serial__StateFolder="$state/serial" \
  MEDIOT_Gateway__Alerts__OutboxFolder="$state/alerts-outbox" \
  MEDIOT_Gateway__Alerts__RulesPath="$root/configs/alert-rules.json" \
  MEDIOT_Gateway__Access__KeysFolder="$state/access-keys" \
  MEDIOT_Gateway__Attached__StateFolder="$state/attached" \
    env "${attached[@]}" "${launcher[@]}" "$gateway" > "$state/gateway.log" 2>&1 &
  gateway_pid=$!
  ready=""
  for _ in $(seq 1 15000); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$http_port/health" || true)" == 200 ]]; then
      ready=$(date +%s%N); break
    fi
    kill -0 "$gateway_pid" 2>/dev/null || { echo "start-to-ready: the gateway exited; its log:" >&2; cat "$state/gateway.log" >&2; exit 1; }
    sleep 0.02
  done
  [[ -n "$ready" ]] || { echo "start-to-ready: no /health 200 within 300 s; its log:" >&2; cat "$state/gateway.log" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$gateway_pid/status")
  kill -TERM "$gateway_pid"
  wait "$gateway_pid" || { echo "start-to-ready: the gateway did not stop cleanly; its log:" >&2; cat "$state/gateway.log" >&2; exit 1; }
  gateway_pid=""
  printf 'run %d: %d ms to /health 200, %s MB resident then (load average before: %s)\n' "$run" $(((ready - start) / 1000000)) "$rss" "$load"
done
