#!/usr/bin/env bash
# Machine set-up for SvqVideo: installs the system libraries the native runtimes need,
# then restores and builds the solution. Safe to run again: every step checks first.
#
#   scripts/setup.sh            system libraries + restore + build
#   scripts/setup.sh --system   system libraries only
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-all}"
log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
fi
as_root() {
  [ "$SUDO" = "__none__" ] && die "need root (or sudo) to run: $*"
  $SUDO "$@"
}

. /etc/os-release 2>/dev/null || { ID=unknown; VERSION_ID=unknown; }

libstdcxx_path() {
  local p
  for p in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$p" ] && { readlink -f "$p"; return 0; }
  done
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'
}

has_glibcxx_3432() {
  local lib; lib="$(libstdcxx_path)"
  [ -n "$lib" ] && grep -aq 'GLIBCXX_3\.4\.32' "$lib"
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
}

ensure_gtk() {
  if dpkg -s libgtk-3-0 >/dev/null 2>&1 || dpkg -s libgtk-3-0t64 >/dev/null 2>&1; then
    return 0
  fi
  case "$ID" in
    debian|ubuntu)
      apt_update_once
      log "installing libgtk-3-0 (needed by OpenCvSharp's linux-x64 runtime)"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgtk-3-0 >/dev/null \
        || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libgtk-3-0t64 >/dev/null ;;
    *) die "libgtk-3-0 (GTK 3) is missing; OpenCvSharp's linux-x64 runtime needs it. Install GTK 3 with your package manager." ;;
  esac
}

# TorchSharp 0.107.0's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC >= 13.2's libstdc++).
# Debian 12 ships GCC 12's. Install libstdc++6 from Debian 13 for this one package, through a
# private apt configuration so the machine's own sources stay exactly as they were.
ensure_glibcxx() {
  if has_glibcxx_3432; then return 0; fi
  if [ "$ID" = "debian" ] && [ "${VERSION_ID:-}" = "12" ]; then
    log "libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp); installing libstdc++6 from Debian 13 (trixie)"
    local state=/var/lib/svqvideo-setup
    as_root mkdir -p "$state/lists/partial"
    # A private apt configuration: only Debian 13's main archive, its own lists folder. The machine's
    # sources.list(.d) and package lists are not touched.
    as_root mkdir -p "$state/sources.list.d"
    as_root tee "$state/sources.list.d/trixie.sources" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$state/sources.list.d"
          -o "Dir::State::Lists=$state/lists")
    as_root apt-get "${opts[@]}" update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install -y -qq --no-install-recommends libstdc++6 >/dev/null
    has_glibcxx_3432 || die "libstdc++6 from Debian 13 was installed but GLIBCXX_3.4.32 is still missing in $(libstdcxx_path)"
    log "libstdc++6 now provides GLIBCXX_3.4.32"
  else
    die "TorchSharp needs libstdc++ with GLIBCXX_3.4.32 (GCC >= 13.2); $(libstdcxx_path || echo 'libstdc++.so.6') on ${PRETTY_NAME:-this system} lacks it. Install a newer libstdc++6 (e.g. from your distribution's newer release) and run this again."
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK 10 is not on PATH (https://dot.net); install it and run this again"
  local v; v="$(dotnet --version 2>/dev/null || true)"
  case "$v" in 10.*) ;; *) die "the .NET SDK 10 is required (found '${v:-none}')" ;; esac
}

[ "$(uname -m)" = "x86_64" ] || die "only linux-x64 is supported (this is $(uname -m))"
ensure_dotnet
ensure_gtk
ensure_glibcxx

if [ "$MODE" = "--system" ]; then exit 0; fi

cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log "restoring and building the solution (Release; plugins are laid out in artifacts/plugins/)"
"$ROOT/scripts/build.sh"
log "ready"
