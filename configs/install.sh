#!/usr/bin/env bash
# Installs, idempotently, what MedIoT needs on Debian 12 (bookworm):
#   mosquitto, mosquitto-clients  MQTT broker and its command-line clients (tests, demo)
#   influxdb                      InfluxDB 1.x time-series server (tests, demo)
#   victoria-metrics              VictoriaMetrics, the tests' server for the /api/v2/write path
#   socat                         pseudo-terminal pairs for serial-port tests
#   postgresql                    PostgreSQL server and psql (the ledger service's PostgreSQL store and its tests)
#   curl                          the demo's example queries
#   openssl                       the demo's self-signed HTTPS certificate for the station
#   prometheus                    promtool, which the tests use to check each service's /metrics page
#   python3-prometheus-client     the Prometheus text-format parser the tests read /metrics with
#   chromium                      the browser the station's tests drive with Playwright (/usr/bin/chromium)
#   systemd                       systemd-analyze, which the package tests run on the units (configs/systemd/)
#   dpkg                          dpkg-deb, which configs/release.sh builds the Debian packages with (always on Debian)
#   qemu-user-static              qemu-aarch64-static, which runs the linux-arm64 gateway in the tests (Release.Tests/Arm64)
# the arm64 libraries that gateway needs under qemu, from Debian's multiarch (see the arm64 block below),
# the npm packages of the tests' OpenID Connect provider (npm ci in tests/MedIoT.Testing/Oidc, from its
# package-lock.json; needs Node.js 20 or later),
# and checks for the .NET 10 SDK. It never starts, stops or enables a system service: MedIoT runs its
# servers as child processes with private data folders (configs/demo.sh, the test fixtures).
set -euo pipefail

packages=(mosquitto mosquitto-clients influxdb victoria-metrics socat postgresql curl openssl ca-certificates prometheus python3-prometheus-client chromium systemd dpkg qemu-user-static)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Prints the packages of the arguments that dpkg does not have installed, one a line.
not_installed() {
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      echo "$package"
    fi
  done
}

mapfile -t missing < <(not_installed "${packages[@]}")

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

# The arm64 run of the tests executes the self-contained linux-arm64 gateway under qemu-aarch64-static. The .NET
# runtime in that folder still loads arm64's C library and loader, libstdc++ (the host), OpenSSL (TLS, hashes),
# ICU and zlib (compression) from the system, so arm64 is added as a foreign architecture (dpkg(1)
# --add-architecture; Debian's sources are not edited: the mirror serves arm64 too) and those libraries come from it.
# ICU is not loaded today (InvariantGlobalization=true in Directory.Build.props) but stays, so a project that turns
# invariant mode off still runs. --no-remove: installing a multiarch library must never take away an installed
# amd64 package; apt stops instead.
arm64_packages=(libc6:arm64 libstdc++6:arm64 libssl3:arm64 libicu72:arm64 zlib1g:arm64)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "install: adding the arm64 architecture to dpkg"
  as_root dpkg --add-architecture arm64
fi
mapfile -t missing_arm64 < <(not_installed "${arm64_packages[@]}")
if [ "${#missing_arm64[@]}" -gt 0 ]; then
  echo "install: installing ${missing_arm64[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-remove "${missing_arm64[@]}" >/dev/null
else
  echo "install: arm64 libraries present (${arm64_packages[*]})"
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

# The tests' OpenID Connect provider (tests/MedIoT.Testing/Oidc): oidc-provider and its dependencies at the versions of
# package-lock.json. Installed again only when the lock file changed (its hash is kept beside the packages).
oidc_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/MedIoT.Testing/Oidc"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install: Node.js is missing. Install Node.js 20 or later with npm (apt-get install nodejs where the package" >&2
  echo "         source offers 20; Debian 12's own nodejs is 18, too old for oidc-provider) and run this command again." >&2
  exit 1
fi
node_major=$(node --version | tr -d v | cut -d. -f1)
if [ "$node_major" -lt 20 ]; then
  echo "install: found Node.js $(node --version), the tests' OpenID Connect provider needs 20 or later." >&2
  exit 1
fi
lock_hash=$(sha256sum "$oidc_dir/package-lock.json" | cut -d' ' -f1)
stamp="$oidc_dir/node_modules/.mediot-lock.sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "install: npm ci in tests/MedIoT.Testing/Oidc"
  (cd "$oidc_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" >"$stamp"
fi
echo "install: Node.js $(node --version), oidc-provider $(node -p "require('$oidc_dir/node_modules/oidc-provider/package.json').version")"
