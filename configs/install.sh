#!/usr/bin/env bash
# Installs, idempotently, what MedIoT needs on Debian 12 (bookworm):
#   mosquitto, mosquitto-clients  MQTT broker and its command-line clients (tests, demo)
#   influxdb                      InfluxDB 1.x time-series server (tests, demo)
#   victoria-metrics              VictoriaMetrics, the tests' server for the /api/v2/write path
#   socat                         pseudo-terminal pairs for serial-port tests
#   postgresql                    PostgreSQL server and psql (the ledger service's PostgreSQL store and its tests)
#   curl                          the demo's example queries
#   prometheus                    promtool, which the tests use to check each service's /metrics page
#   python3-prometheus-client     the Prometheus text-format parser the tests read /metrics with
# and checks for the .NET 10 SDK. It never starts, stops or enables a system service: MedIoT runs its
# servers as child processes with private data folders (configs/demo.sh, the test fixtures).
set -euo pipefail

packages=(mosquitto mosquitto-clients influxdb victoria-metrics socat postgresql curl ca-certificates prometheus python3-prometheus-client)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install: installing ${missing[*]}"
  # Debian's maintainer scripts would start mosquitto and influxd as system services. A policy-rc.d
  # that answers 101 ("action forbidden", invoke-rc.d(8)) keeps them stopped; an existing one is kept.
  policy=/usr/sbin/policy-rc.d
  created_policy=no
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    created_policy=yes
  fi
  cleanup_policy() { if [ "$created_policy" = yes ]; then as_root rm -f "$policy"; fi; }
  trap cleanup_policy EXIT
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  cleanup_policy
  trap - EXIT
else
  echo "install: Debian packages present (${packages[*]})"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install: the .NET 10 SDK is missing. Debian does not package it; install it as Microsoft documents for" >&2
  echo "         Debian 12 (packages.microsoft.com, package dotnet-sdk-10.0) and run this command again." >&2
  exit 1
fi

sdk_major=$(dotnet --version 2>/dev/null | cut -d. -f1)
if [ "${sdk_major:-0}" -lt 10 ]; then
  echo "install: found .NET SDK $(dotnet --version), MedIoT needs 10.0 or later (see global.json)." >&2
  exit 1
fi

echo "install: .NET SDK $(dotnet --version)"
