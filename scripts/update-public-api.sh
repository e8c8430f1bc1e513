#!/usr/bin/env bash
# Records the SDK's current public API in PublicAPI.Unshipped.txt after a deliberate API change.
# The build fails (RS0016/RS0017) on any public-API change that is not recorded there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for p in sdk/SvqVideo.Abstractions/SvqVideo.Abstractions.csproj sdk/SvqVideo.Abstractions.Torch/SvqVideo.Abstractions.Torch.csproj sdk/SvqVideo.Onnx/SvqVideo.Onnx.csproj; do
  dotnet format analyzers "$ROOT/$p" --diagnostics RS0016 RS0017 --severity info -v q || true
done
