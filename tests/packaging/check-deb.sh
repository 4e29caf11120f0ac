#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The .deb as a user gets it: built with cpack from this build tree, installed with apt,
# run from its installed files (--version, a headless start with a signed delivery and a
# SIGTERM stop, the menu entry's Exec line under Xvfb), its desktop entry and metainfo
# validated, then removed. It changes the system, so it runs only as root with
# MM_PACKAGE_TEST=1 (scripts/bootstrap.sh test sets it); otherwise it exits 77 (skipped).
set -euo pipefail

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}
step() { echo "== $*"; }

if [ "${MM_PACKAGE_TEST:-}" != 1 ]; then
  skip "set MM_PACKAGE_TEST=1 to build, install and remove the .deb on this machine (scripts/bootstrap.sh test does)"
fi
[ "$(id -u)" -eq 0 ] || skip "installing the .deb needs root"
for tool in apt-get dpkg-deb dpkg-shlibdeps file desktop-file-validate appstreamcli curl Xvfb; do
  command -v "$tool" >/dev/null || skip "$tool is missing (scripts/bootstrap.sh installs it)"
done
build=${MM_BUILD_DIR:?MM_BUILD_DIR names the build tree}
cpack=${MM_CPACK:-cpack}
id=${MM_APP_ID:?MM_APP_ID names the desktop id}
pkg=migration-monitor

work=$(mktemp -d)
installed=0
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$installed" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$pkg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

# Waits up to $2 seconds for the extended regex $3 in file $1 while process $4 lives.
wait_for_line() {
  local file=$1 seconds=$2 pattern=$3 pid=$4
  for ((i = 0; i < seconds * 10; i++)); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

step "cpack -G DEB"
t=$(date +%s)
if ! "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack could not build the package"
fi
debs=("$work"/deb/${pkg}_*.deb)
[ -f "${debs[0]}" ] || fail "cpack made no ${pkg}_*.deb"
deb=${debs[0]}
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB in $(($(date +%s) - t)) s"

step "control fields"
dpkg-deb -f "$deb" Package Version Section Maintainer Depends Recommends
[ "$(dpkg-deb -f "$deb" Package)" = "$pkg" ] || fail "the package is not called $pkg"
depends=$(dpkg-deb -f "$deb" Depends)
# Found by dpkg-shlibdeps, and the plugins it cannot see (Ubuntu 24.04 names some with t64).
for d in libc6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6httpserver6 libqt6charts6 \
  libqt6dbus6 libqt6sql6 libqt6sql6-sqlite libqt6sql6-psql libpq5 libssl3 libsqlite3-0; do
  grep -qE "(^|, |\| )$d(t64)?( |,|$)" <<<"$depends" || fail "Depends lacks $d: $depends"
done

step "apt-get install"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  echo "$pkg is installed already (an earlier run?): replacing it"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$pkg" >/dev/null
fi
installed=1
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1; then
  cat "$work/apt.log"
  fail "apt-get install $deb"
fi
for f in /usr/bin/migration-monitor /usr/bin/migration-monitor-sim \
  "/usr/share/applications/$id.desktop" "/usr/share/metainfo/$id.metainfo.xml" \
  "/usr/share/icons/hicolor/scalable/apps/$id.svg" "/usr/share/dbus-1/services/$id.service" \
  /usr/share/man/man1/migration-monitor.1.gz /usr/share/man/man1/migration-monitor-sim.1.gz \
  /usr/lib/systemd/user/migration-monitor-headless.service \
  /usr/lib/systemd/system/migration-monitor-receiver@.service \
  /usr/share/doc/migration-monitor/copyright /usr/share/doc/migration-monitor/headless.env.example \
  /usr/share/doc/migration-monitor/receiver.env.example /usr/share/doc/migration-monitor/team-roles.sql \
  /usr/share/doc/migration-monitor/TEAM.md; do
  [ -f "$f" ] || fail "$f is not installed"
done
for size in 16 22 24 32 48 64 128 256; do
  png=/usr/share/icons/hicolor/${size}x${size}/apps/$id.png
  [ -f "$png" ] || fail "$png is not installed"
  file "$png" | grep -q "PNG image data, $size x $size" || fail "$png is not a $size px PNG"
done
dpkg -L "$pkg" | grep -E '^/usr/(local|lib/x86_64)|/_CPack' && fail "files outside the expected places"
# Depends brought Qt's PostgreSQL driver, which --store postgresql://… loads at run time.
dpkg -L libqt6sql6-psql | grep -q '/sqldrivers/libqsqlpsql\.so$' || fail "libqt6sql6-psql's QPSQL plugin is not installed"

step "--version"
version=$(dpkg-deb -f "$deb" Version)
version=${version%-*}
[ "$(/usr/bin/migration-monitor --version)" = "migration-monitor $version" ] || fail "migration-monitor --version"
[ "$(/usr/bin/migration-monitor-sim --version)" = "migration-monitor-sim $version" ] ||
  fail "migration-monitor-sim --version"
echo "migration-monitor $version"

step "validators"
out=$(desktop-file-validate "/usr/share/applications/$id.desktop" 2>&1) || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate: $out"
appstreamcli validate --no-net "/usr/share/metainfo/$id.metainfo.xml" || fail "appstreamcli validate"
# DBusActivatable=true: the bus starts the installed binary by the desktop id.
service=/usr/share/dbus-1/services/$id.service
grep -qx "Name=$id" "$service" || fail "$service does not name $id"
grep -qx "Exec=/usr/bin/migration-monitor --dbus-activated" "$service" || fail "$service does not start /usr/bin/migration-monitor"
grep -qx "DBusActivatable=true" "/usr/share/applications/$id.desktop" || fail "the desktop entry is not DBusActivatable"
if command -v systemd-analyze >/dev/null; then
  # No user manager runs here, so this checks the unit's syntax and paths, not its sandbox.
  mkdir -m 700 "$work/run"
  unit=/usr/lib/systemd/user/migration-monitor-headless.service
  out=$(cd "$work" && XDG_RUNTIME_DIR=$work/run systemd-analyze --user --man=no verify "$unit" 2>&1) ||
    fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "systemd-analyze verify $unit: clean"
  # The team receiver, a system template unit (verified as an instance of it).
  unit=/usr/lib/systemd/system/migration-monitor-receiver@.service
  out=$(cd "$work" && systemd-analyze --man=no verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "systemd-analyze verify $unit: clean"
fi

step "headless start, a signed delivery, SIGTERM"
secret="whsec_$(head -c 24 /dev/urandom | base64)"
mkdir -p "$work/data" "$work/home"
MIGRATION_MONITOR_SECRETS=$secret HOME=$work/home /usr/bin/migration-monitor --headless \
  --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/headless.out" 2>"$work/headless.err" &
server=$!
pids+=("$server")
if ! wait_for_line "$work/headless.out" 30 '^listening on http://' "$server"; then
  cat "$work/headless.out" "$work/headless.err"
  fail "headless mode did not start listening"
fi
url=$(sed -n 's/^listening on //p' "$work/headless.out")
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
  --data '{}' "$url")
[ "$code" = 401 ] || fail "an unsigned POST to $url was answered $code, not 401"
MIGRATION_MONITOR_SECRETS=$secret /usr/bin/migration-monitor-sim --target "$url" --migrations 2 --seed 9 \
  --quiet >"$work/sim.out" 2>&1 || {
  cat "$work/sim.out"
  fail "migration-monitor-sim against the installed receiver"
}
kill -TERM "$server"
rc=0
wait "$server" || rc=$?
pids=()
[ "$rc" = 0 ] || {
  cat "$work/headless.err"
  fail "headless mode exited $rc after SIGTERM"
}
migrations=$(/usr/bin/migration-monitor --data-dir "$work/data" --report-migrations - | wc -l)
[ "$migrations" = 2 ] || fail "the store holds $migrations migrations, not 2"
echo "listened on $url, stored 2 migrations, exited 0 on SIGTERM"

step "the menu entry's Exec line, under Xvfb"
exec_line=$(sed -n '/^\[Desktop Entry\]/,/^\[/s/^Exec=//p' "/usr/share/applications/$id.desktop")
read -ra command <<<"$exec_line"
[ "$(command -v "${command[0]}")" = /usr/bin/migration-monitor ] || fail "Exec=$exec_line does not run the package's binary"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
pids+=("$!")
wait_for_line "$work/display" 30 '^[0-9]+$' "$!" || fail "Xvfb did not start"
# A private HOME, runtime folder and no session bus: nothing of the machine's own is touched, and no
# window already running elsewhere takes this launch (one window per store).
mkdir -m 700 "$work/gui-run"
XDG_RUNTIME_DIR=$work/gui-run DISPLAY=:$(cat "$work/display") QT_QPA_PLATFORM=xcb HOME=$work/home XDG_CONFIG_HOME=$work/home/.config \
  XDG_DATA_HOME=$work/home/.local/share DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus MM_VIEW_REPORT=1 \
  "${command[@]}" --listen 127.0.0.1:0 >"$work/gui.out" 2>"$work/gui.err" &
gui=$!
pids+=("$gui")
if ! wait_for_line "$work/gui.out" 60 '^view: window=shown .*listening=http://127\.0\.0\.1:' "$gui"; then
  cat "$work/gui.out" "$work/gui.err"
  fail "the window did not come up from Exec=$exec_line"
fi
kill -TERM "$gui"
rc=0
wait "$gui" || rc=$?
[ "$rc" = 0 ] || fail "the window exited $rc after SIGTERM"
echo "Exec=$exec_line showed the window and quit on SIGTERM"

step "apt-get remove"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$pkg" >"$work/apt.log" 2>&1 || {
  cat "$work/apt.log"
  fail "apt-get remove $pkg"
}
installed=0
[ ! -e /usr/bin/migration-monitor ] || fail "/usr/bin/migration-monitor is still there after removal"
echo "package check passed in $(($(date +%s) - started)) s"
