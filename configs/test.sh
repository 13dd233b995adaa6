#!/usr/bin/env bash
# Runs the whole MedIoT test suite: installs what is missing, restores, builds, builds the arm64 release
# (configs/release.sh --arch arm64), runs every test project
# against real mosquitto and influxd (started by the fixtures on free loopback ports), and ends with
# the line "N passed, N failed". Extra arguments go to `dotnet test` (for example --filter ...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

configs/install.sh
dotnet restore MedIoT.sln --nologo -v quiet
dotnet build MedIoT.sln --no-restore --nologo -v quiet -c Release
# The self-contained linux-arm64 release and its Debian packages, which tests/MedIoT.Release.Tests checks (packages,
# units, the gateway under qemu-aarch64-static); the libraries built above are reused, only the five applications compile.
configs/release.sh --arch arm64

results="$(mktemp -d "${TMPDIR:-/tmp}/mediot-test-results.XXXXXX")"
trap 'rm -rf "$results"' EXIT

set +e
dotnet test MedIoT.sln --no-build -c Release --nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 5m "$@"
status=$?
set -e

# Sum the counters of every test run (one .trx per test project).
passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(value total)))
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
done

# Name each failed test again just before the summary, so the end of a long log says what failed (the console
# logger printed its message and stack above).
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" \
    | grep -o 'testName="[^"]*"' | sed -e 's/^testName="/failed: /' -e 's/"$//' -e 's/&quot;/"/g; s/&amp;/\&/g' || true
done

if [ "$total" -eq 0 ]; then
  echo "test: no test ran" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed reports no failed test; count the run as one failure.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
