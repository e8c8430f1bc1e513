#!/usr/bin/env bash
# The one place that builds the solution for scripts/setup.sh and ./svqvideo, and records the build in
# artifacts/.build-stamp so that neither builds again while no source changed.
#
#   scripts/build.sh              build (Release) and write the stamp
#   scripts/build.sh --if-needed  build only when a source is newer than the stamp (what ./svqvideo does)
#   scripts/build.sh --check      exit 0 when the build is current, 1 when a build is needed; builds nothing
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-always}"
DLL="$ROOT/hosts/SvqVideo.Cli/bin/Release/net10.0/svqvideo.dll"
STAMP="$ROOT/artifacts/.build-stamp"

current() {
  [ -f "$DLL" ] && [ -f "$STAMP" ] && [ -d "$ROOT/artifacts/plugins" ] || return 1
  local newer
  newer="$(find "$ROOT/sdk" "$ROOT/plugins" "$ROOT/hosts" "$ROOT/datasets" "$ROOT/SvqVideo.sln" \
      "$ROOT/Directory.Build.props" "$ROOT/Directory.Build.targets" "$ROOT/Directory.Packages.props" \
      \( -name bin -o -name obj \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' -o -name '*.targets' -o -name '*.sln' -o -name '*.safetensors' \) \
      -newer "$STAMP" -print -quit 2>/dev/null)"
  [ -z "$newer" ]
}

case "$MODE" in
  --check) current; exit $? ;;
  --if-needed) if current; then exit 0; fi; echo "svqvideo: building (Release)…" >&2 ;;
  always) ;;
  *) echo "usage: scripts/build.sh [--if-needed|--check]" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$ROOT/artifacts"
# The stamp is taken before the build starts: a source saved while it runs is newer and triggers the next build.
started="$(mktemp "$ROOT/artifacts/.build-stamp.XXXXXX")"
if ! dotnet build "$ROOT/SvqVideo.sln" -c Release -nologo -v q -clp:ErrorsOnly -p:TorchBackend="${TORCH_BACKEND:-cpu}" >&2; then
  rm -f "$started"
  echo "svqvideo: error: build failed; run scripts/setup.sh first" >&2
  exit 1
fi
mv "$started" "$STAMP"
