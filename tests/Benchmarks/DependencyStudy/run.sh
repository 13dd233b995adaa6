#!/usr/bin/env bash
# Re-runs the dependency study behind docs/dependencies.md, one program at a time (the machine is shared), each
# command under a timeout. Every program starts and stops its own servers (mosquitto, socat, influxd,
# victoria-metrics) on free 127.0.0.1 ports in private temporary folders.
#
#   run.sh [OUTPUT_FOLDER] [PROGRAM...]
#
# OUTPUT_FOLDER receives the out-PROGRAM-*.txt files (default: a new folder under ${TMPDIR:-/tmp}); it must be
# outside this source tree. PROGRAM is any of: mqttnet managedclient mqttbench ports ports10 influx metrics (default: all).
# The timeouts below bound every command, and the whole run at about 90 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

out="${1:-}"
if [ -z "$out" ]; then
  out="$(mktemp -d "${TMPDIR:-/tmp}/mediot-dependency-study.XXXXXX")"
fi
out="$(realpath -m "$out")"
case "$out/" in
  "$here"/*) echo "run: the output folder must be outside $here" >&2; exit 2 ;;
esac
mkdir -p "$out"
shift $(( $# > 0 ? 1 : 0 ))
programs=("$@")
if [ "${#programs[@]}" -eq 0 ]; then
  programs=(mqttnet managedclient mqttbench ports ports10 influx metrics)
fi

for tool in /usr/sbin/mosquitto /usr/bin/mosquitto_pub /usr/bin/socat /usr/bin/influxd /usr/bin/victoria-metrics /usr/bin/promtool; do
  if [ ! -x "$tool" ]; then
    echo "run: $tool is missing; configs/install.sh installs it" >&2
    exit 1
  fi
done

# The servers' temporary folders (configs, logs, data, pty links) go under the output folder too.
mkdir -p "$out/tmp"
runs() { TMPDIR="$out/tmp" timeout "$@"; }
load() { cat /proc/loadavg; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "load average: $(load)"
  echo "cores: $(nproc)"
  echo "dotnet SDK: $(dotnet --version)"
  dpkg-query -W -f='${Package} ${Version}\n' mosquitto socat influxdb victoria-metrics prometheus python3-prometheus-client 2>/dev/null || true
} > "$out/out-environment.txt"

build() { (cd "$here" && dotnet build "$@" -c Release -v q -nologo > /dev/null); }

for program in "${programs[@]}"; do
  echo "run: $program (outputs in $out)"
  case "$program" in
    mqttnet)
      build mqttnet
      m=(dotnet "$here/mqttnet/bin/Release/net10.0/MqttStudy.dll")
      runs 60  "${m[@]}" api                     > "$out/out-mqttnet-api.txt" 2>&1 || true
      runs 300 "${m[@]}" ack-after-drop          > "$out/out-mqttnet-ack-after-drop.txt" 2>&1 || true
      runs 400 "${m[@]}" puback-loss 5 10        > "$out/out-mqttnet-puback-loss.txt" 2>&1 || true
      runs 500 "${m[@]}" puback-loss2 5 200      > "$out/out-mqttnet-puback-loss2.txt" 2>&1 || true
      runs 500 "${m[@]}" puback-loss2 5 50       > "$out/out-mqttnet-puback-loss2-n50.txt" 2>&1 || true
      runs 120 "${m[@]}" late-ack                > "$out/out-mqttnet-late-ack.txt" 2>&1 || true
      runs 120 "${m[@]}" double-ack              > "$out/out-mqttnet-double-ack.txt" 2>&1 || true
      runs 300 "${m[@]}" unbounded 100000        > "$out/out-mqttnet-unbounded.txt" 2>&1 || true
      runs 200 "${m[@]}" will 5 200              > "$out/out-mqttnet-will.txt" 2>&1 || true
      runs 60  "${m[@]}" slow-handler-disconnect > "$out/out-mqttnet-slow-handler.txt" 2>&1 || true
      ;;
    managedclient)
      # Expected to fail with NU1101: no MQTTnet.Extensions.ManagedClient is served for these versions.
      for version in 5.2.0.1603 4.3.7.1207; do
        (cd "$here/managedclient" && timeout 120 dotnet restore -p:ManagedClientVersion="$version") \
          > "$out/out-managedclient-restore-$version.txt" 2>&1 || true
      done
      ;;
    mqttbench)
      build mqttbench
      { load; runs 600 dotnet "$here/mqttbench/bin/Release/net10.0/MqttBench.dll" 50000 3 || true; load; } \
        > "$out/out-mqttbench-50k.txt" 2>&1
      ;;
    ports)
      build ports
      p=(dotnet "$here/ports/bin/Release/net10.0/PortsStudy.dll")
      runs 300 "${p[@]}" hangup   > "$out/out-ports-hangup.txt" 2>&1 || true
      runs 300 "${p[@]}" close    > "$out/out-ports-close.txt" 2>&1 || true
      runs 100 "${p[@]}" idle-cpu > "$out/out-ports-idle-cpu.txt" 2>&1 || true
      ;;
    ports10)
      # The same program against System.IO.Ports 10.0.15 (built into ports/bin/10.0.15/).
      build ports -p:SystemIOPortsVersion=10.0.15
      p=(dotnet "$here/ports/bin/10.0.15/Release/net10.0/PortsStudy.dll")
      { runs 200 "${p[@]}" hangup nothing all || true; runs 200 "${p[@]}" close || true; } \
        > "$out/out-ports10-10.0.15.txt" 2>&1
      ;;
    influx)
      build influx
      for command in api influx16 victoria shim; do
        runs 120 dotnet "$here/influx/bin/Release/net10.0/InfluxStudy.dll" "$command" > "$out/out-influx-$command.txt" 2>&1 || true
      done
      (cd "$here/influx" && timeout 120 dotnet list package --include-transitive) > "$out/out-influx-transitive.txt" 2>&1 || true
      ;;
    metrics)
      # OpenTelemetry's Prometheus exporter (on OpenTelemetry 1.20.1) against prometheus-net's MeterAdapter; then the
      # packages each brings, and the same with OpenTelemetry 1.21.0 (built into metrics/bin/1.21.0/).
      build metrics
      x=(dotnet "$here/metrics/bin/Release/net10.0/MetricsStudy.dll")
      for library in otel pnet; do
        for command in export scope expiry alloc; do
          runs 120 "${x[@]}" "$command" "$library" > "$out/out-metrics-$command-$library.txt" 2>&1 || true
        done
      done
      (cd "$here/metrics" && timeout 120 dotnet list package --include-transitive) > "$out/out-metrics-transitive.txt" 2>&1 || true
      build metrics -p:OpenTelemetryVersion=1.21.0
      { grep -o '"[A-Za-z.-]*/[0-9][^"]*": {' "$here/metrics/obj/1.21.0/project.assets.json" | sort -u
        echo "--- output folder:"; ls "$here/metrics/bin/1.21.0/Release/net10.0/"; } > "$out/out-metrics-packages-1.21.0.txt" 2>&1 || true
      ;;
    *)
      echo "run: unknown program '$program' (mqttnet managedclient mqttbench ports ports10 influx metrics)" >&2
      exit 2
      ;;
  esac
done

echo "load average at the end: $(load)" >> "$out/out-environment.txt"
echo "run: done; outputs in $out"
