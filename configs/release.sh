#!/usr/bin/env bash
# Builds the release for the ward's box (docs/deployment.md): self-contained publish folders of the five applications
# and the Debian packages that install them, for linux-x64 and/or linux-arm64. No .NET SDK or runtime is needed where
# the packages are installed.
#
#   configs/release.sh [--arch x64|arm64|all] [--out DIR]
#
#   --arch  which architectures (default all: x64 and arm64)
#   --out   the release folder (default artifacts/release in the checkout; the release tests read MEDIOT_RELEASE_DIR or
#           that default, tests/MedIoT.Release.Tests/Fixtures/ReleaseArtifacts.cs)
#
# It writes DIR/linux-<arch>/<app>/ (app: gateway, sim, verify, ledger, witness) and, per architecture,
# DIR/mediot-gateway_<version>_<debarch>.deb, mediot-ledger_..., mediot-witness_..., mediot-tools_... (sim and verify).
# The version is 0.0.<commits>+g<commit> from git, so a later commit's package upgrades an earlier one.
# Running it again replaces what it wrote before; the .NET build is incremental.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

architectures=(x64 arm64)
out="$root/artifacts/release"
while [ $# -gt 0 ]; do
  case "$1" in
    --arch)
      case "${2:-}" in
        x64 | arm64) architectures=("$2") ;;
        all) architectures=(x64 arm64) ;;
        *) echo "release: --arch takes x64, arm64 or all, not '${2:-}'" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --out)
      [ -n "${2:-}" ] || { echo "release: --out needs a folder" >&2; exit 2; }
      mkdir -p "$2"
      out="$(cd "$2" && pwd)"
      shift 2 ;;
    *) echo "release: unknown argument '$1' (usage: configs/release.sh [--arch x64|arm64|all] [--out DIR])" >&2; exit 2 ;;
  esac
done

for tool in dotnet dpkg-deb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "release: '$tool' is missing; run configs/install.sh" >&2; exit 1; }
done

if commits="$(git -C "$root" rev-list --count HEAD 2>/dev/null)"; then
  version="0.0.${commits}+g$(git -C "$root" rev-parse --short=8 HEAD)"
else
  version="0.0.0"
fi

# 1. Publish: the five applications of one architecture in one MSBuild run (configs/release/release.proj), restoring once.
for arch in "${architectures[@]}"; do
  echo "release: publishing linux-$arch (version $version)"
  dotnet msbuild configs/release/release.proj -restore -m -t:Publish -p:Architecture="$arch" -v:q -nologo
done

# app name -> project folder and the executable's file name
declare -A project=(
  [gateway]=gateway/MedIoT.Gateway [sim]=firmware-sim/MedIoT.FirmwareSim [verify]=ledger/MedIoT.Ledger.Verifier
  [ledger]=ledger/MedIoT.Ledger.Service [witness]=ledger/MedIoT.Ledger.Witness)
declare -A executable=(
  [gateway]=MedIoT.Gateway [sim]=mediot-sim [verify]=mediot-verify [ledger]=mediot-ledger [witness]=mediot-witness)

# The settings a package ships in /etc/mediot: the repository's configs/*.json with their relative state paths moved to
# /var/lib/mediot/<service>/ (the unit's StateDirectory) and key files into 0700 folders there. Each replacement must
# match exactly once, so a renamed setting fails the release instead of shipping a path into /etc.
rewrite() {
  local file="$1" from="$2" to="$3" count
  count="$(grep -cF -- "$from" "$file" || true)"
  if [ "$count" != 1 ]; then
    echo "release: expected '$from' once in $file, found it $count times; update configs/release.sh" >&2
    exit 1
  fi
  local escaped_from escaped_to
  escaped_from="$(printf '%s' "$from" | sed 's/[][\/.*^$]/\\&/g')"
  escaped_to="$(printf '%s' "$to" | sed 's/[\/&]/\\&/g')"
  sed -i "s/$escaped_from/$escaped_to/" "$file"
}

settings_for() { # service, destination folder
  case "$1" in
    gateway)
      cp configs/gateway.json configs/alert-rules.json "$2/"
      rewrite "$2/gateway.json" '"Folder": "state/journal"' '"Folder": "/var/lib/mediot/gateway/journal"'
      rewrite "$2/gateway.json" '"KeyFile": "identity/gateway-key.jwk"' '"KeyFile": "/var/lib/mediot/gateway/identity/gateway-key.jwk"'
      rewrite "$2/gateway.json" '"KeysFolder": "state/access-keys"' '"KeysFolder": "/var/lib/mediot/gateway/access-keys"'
      rewrite "$2/gateway.json" '"OutboxFolder": "state/alerts-outbox"' '"OutboxFolder": "/var/lib/mediot/gateway/alerts-outbox"'
      rewrite "$2/gateway.json" '"StateFolder": "state/serial"' '"StateFolder": "/var/lib/mediot/gateway/serial"'
      rewrite "$2/gateway.json" '"StateFolder": "state/attached"' '"StateFolder": "/var/lib/mediot/gateway/attached"' ;;
    ledger)
      cp configs/ledger.json "$2/"
      rewrite "$2/ledger.json" '"KeyFile": "ledger-key.jwk"' '"KeyFile": "/var/lib/mediot/ledger/key/ledger-key.jwk"'
      rewrite "$2/ledger.json" '"SqlitePath": "ledger-data/ledger.db"' '"SqlitePath": "/var/lib/mediot/ledger/ledger.db"' ;;
    witness)
      cp configs/witness.json "$2/"
      rewrite "$2/witness.json" '"KeyFile": "witness-key/witness.jwk"' '"KeyFile": "/var/lib/mediot/witness/key/witness.jwk"'
      rewrite "$2/witness.json" '"StateFolder": "witness-state"' '"StateFolder": "/var/lib/mediot/witness/state"'
      rewrite "$2/witness.json" '"EvidenceFolder": "witness-evidence"' '"EvidenceFolder": "/var/lib/mediot/witness/evidence"'
      # The ledger service listens on 8090 by default; a witness on the same box takes 8091.
      rewrite "$2/witness.json" '"Url": "http://127.0.0.1:8090"' '"Url": "http://127.0.0.1:8091"' ;;
  esac
}

# One package: name, Debian architecture, publish-folder architecture, description, apps..., written to $out.
build_package() {
  local name="$1" debarch="$2" arch="$3" description="$4"
  shift 4
  local stage="$out/.stage/$name-$arch"
  rm -rf "$stage"
  mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/mediot" "$stage/usr/share/doc/$name"
  local app
  for app in "$@"; do
    # Hard links: the package is written from the release folder without copying 120 MB per application again (a copy
    # where the stage cannot link, which does not happen while both are under --out).
    cp -al "$out/linux-$arch/$app" "$stage/usr/lib/mediot/$app" 2>/dev/null \
      || { rm -rf "$stage/usr/lib/mediot/$app"; cp -a "$out/linux-$arch/$app" "$stage/usr/lib/mediot/$app"; }
    ln -s "../lib/mediot/$app/${executable[$app]}" "$stage/usr/bin/mediot-$app"
  done
  cp docs/deployment.md "$stage/usr/share/doc/$name/deployment.md"

  local service="${name#mediot-}"
  if [ -f "configs/systemd/$name.service" ]; then
    mkdir -p "$stage/usr/lib/systemd/system" "$stage/etc/mediot"
    cp "configs/systemd/$name.service" "$stage/usr/lib/systemd/system/"
    settings_for "$service" "$stage/etc/mediot"
    (cd "$stage" && find etc -type f | sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
    local script
    for script in postinst prerm postrm; do
      sed -e "s/@SERVICE@/$service/g" "configs/debian/$script" >"$stage/DEBIAN/$script"
    done
  fi

  local size
  size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
  cat >"$stage/DEBIAN/control" <<EOF
Package: $name
Version: $version
Architecture: $debarch
Maintainer: MedIoT maintainers <mediot@localhost>
Installed-Size: $size
Depends: libc6 (>= 2.31), libgcc-s1, libstdc++6, libssl3
Section: misc
Priority: optional
Description: $description
 Self-contained .NET build (no .NET runtime needed): binaries in /usr/lib/mediot,
 commands in /usr/bin. See /usr/share/doc/$name/deployment.md.
EOF

  # Owners root:root (--root-owner-group); modes set here, never taken from the build machine's umask.
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  for app in "$@"; do
    chmod 0755 "$stage/usr/lib/mediot/$app/${executable[$app]}"
    # The runtime's crash-dump writer, started by the runtime itself when a dump is asked for (DOTNET_DbgEnableMiniDump).
    [ ! -f "$stage/usr/lib/mediot/$app/createdump" ] || chmod 0755 "$stage/usr/lib/mediot/$app/createdump"
  done
  [ ! -d "$stage/DEBIAN" ] || find "$stage/DEBIAN" -type f \( -name postinst -o -name prerm -o -name postrm \) -exec chmod 0755 {} +

  # zstd at level 1 (dpkg 1.21.18 and later read it, as Debian 12 and Raspberry Pi OS do): seconds, not minutes, for
  # 120 MB per application.
  dpkg-deb --root-owner-group -Zzstd -z1 --build "$stage" "$out/${name}_${version}_${debarch}.deb" >/dev/null
  rm -rf "$stage"
}

for arch in "${architectures[@]}"; do
  case "$arch" in x64) debarch=amd64 ;; arm64) debarch=arm64 ;; esac
  for app in gateway sim verify ledger witness; do
    target="$out/linux-$arch/$app"
    rm -rf "$target"
    mkdir -p "$(dirname "$target")"
    cp -a "${project[$app]}/bin/Release/net10.0/linux-$arch/publish" "$target"
  done

  rm -f "$out"/mediot-*_"$debarch".deb
  build_package mediot-gateway "$debarch" "$arch" "MedIoT ward gateway: signed vital signs in, journal, alarms, InfluxDB" gateway
  build_package mediot-ledger "$debarch" "$arch" "MedIoT hospital ledger service (mediot-ledger)" ledger
  build_package mediot-witness "$debarch" "$arch" "MedIoT checkpoint witness (mediot-witness)" witness
  build_package mediot-tools "$debarch" "$arch" "MedIoT tools: the device simulator and provisioning (mediot-sim), the verifier (mediot-verify)" sim verify
done
rmdir "$out/.stage" 2>/dev/null || true
echo "release: $(cd "$out" && ls -1 ./*.deb | wc -l) packages in $out"
