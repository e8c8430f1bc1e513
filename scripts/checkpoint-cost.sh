#!/usr/bin/env bash
# Measures what a resumable checkpoint costs: seconds per write and size on disk, for the models of the given presets.
#
#   scripts/checkpoint-cost.sh [out.json] [presets...]      (default: stdout only; presets demo mmnist)
#
# For each preset it trains that preset's model (same model, quantizer and optimizer) for 6 steps of 2 clips with
# `--checkpoint-every 1steps`, so 5 checkpoints are written inside the epoch, and reads the CLI's checkpoint lines
# (`train checkpoint at epoch 1 step K/6: last.safetensors (M MB, S s)`). Each write collects the model's state,
# Adam's two moments and the RNG states, writes them to a temporary file, flushes it to disk and renames it.
# Only the dataset sizes (and the batch, the schedule and the epochs) differ from the preset, which do not change
# what a checkpoint holds. Prints one JSON object per preset; with out.json, also writes them there as an array.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVQ="${SVQVIDEO_CLI:-$ROOT/svqvideo}"
OUT="${1:-}"
shift || true
PRESETS=("$@")
[ ${#PRESETS[@]} -gt 0 ] || PRESETS=(demo mmnist)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
results=()
for preset in "${PRESETS[@]}"; do
  plan="$WORK/$preset.json"
  python3 - "$ROOT/hosts/SvqVideo.Cli/presets/$preset.json" "$plan" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan["dataset"].update(train_clips=64, val_clips=4, test_clips=4)
training = plan["training"]
training.pop("max_wall_time", None)
training.update(epochs=1, batch_size=2, max_steps_per_epoch=6, schedule="constant", checkpoint_every="1steps")
json.dump(plan, open(sys.argv[2], "w"))
PY
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  "$SVQ" train --preset "$plan" --threads 2 --out "$WORK/$preset" --json >"$WORK/$preset.out" 2>"$WORK/$preset.err"
  results+=("$(python3 - "$preset" "$WORK/$preset.err" "$load" <<'PY'
import json, re, statistics, sys
preset, log, load = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [(float(m.group(1)), float(m.group(2))) for m in
        (re.search(r"checkpoint at epoch \d+ step \d+/\d+: last\.safetensors \(([\d.]+) MB, ([\d.]+) s\)", l) for l in open(log)) if m]
if not rows:
    sys.exit(f"checkpoint-cost: no checkpoint lines from the {preset} run ({log})")
seconds = [s for _, s in rows]
print(json.dumps({"preset": preset, "megabytes": rows[-1][0], "writes": len(rows), "seconds": seconds,
                  "median_seconds": statistics.median(seconds), "load_average": load}))
PY
)")
  echo "${results[-1]}"
done
if [ -n "$OUT" ]; then
  printf '%s\n' "${results[@]}" | python3 -c 'import json, sys; json.dump([json.loads(l) for l in sys.stdin], open(sys.argv[1], "w"), indent=2)' "$OUT"
fi
