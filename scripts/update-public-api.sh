#!/usr/bin/env bash
# Records the SDK's current public API in PublicAPI.Unshipped.txt after a deliberate API change.
# Covers every SDK assembly: each project under sdk/ that keeps a PublicAPI.Shipped.txt beside it.
# The build fails (RS0016/RS0017) on any public-API change that is not recorded there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
found=0
for shipped in "$ROOT"/sdk/*/PublicAPI.Shipped.txt; do
  dir="$(dirname "$shipped")"
  project="$dir/$(basename "$dir").csproj"
  [[ -f "$project" ]] || { echo "update-public-api: $dir has PublicAPI.Shipped.txt but no $(basename "$dir").csproj" >&2; exit 1; }
  found=$((found + 1))
  echo "update-public-api: ${project#"$ROOT"/}"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info -v q || true
done
(( found > 0 )) || { echo "update-public-api: no sdk/*/PublicAPI.Shipped.txt found under $ROOT" >&2; exit 1; }
# Every SDK project must have a baseline: a project under sdk/ without one is an error, not a silent gap.
for project in "$ROOT"/sdk/*/*.csproj; do
  [[ -f "$(dirname "$project")/PublicAPI.Shipped.txt" ]] || { echo "update-public-api: ${project#"$ROOT"/} has no PublicAPI.Shipped.txt" >&2; exit 1; }
done
