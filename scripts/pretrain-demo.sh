#!/usr/bin/env bash
# Makes the demo's bundled checkpoint with the project's own commands and records its learning curve.
#
#   scripts/pretrain-demo.sh [run folder] [segment budgets...]
#   (default: runs/pretrain, segments 10m 15m 15m 20m)
#   PRETRAIN_THREADS=N limits the training and evaluation to N threads (default: all cores).
#
# A segment written cosine:BUDGET (e.g. cosine:55m) anneals instead: a new run in OUT/cosine-N starts from the weights of
# OUT/last.safetensors (`train --init-from`, fresh Adam, --seed 7 for other training sequences) with a cosine
# schedule from 1e-3 to 0 planned over BUDGET; its last checkpoint is what is scored. Put it last: later segments
# would resume OUT, not the annealed run.
#
# A run folder that already holds last.safetensors and curve.csv is continued: every segment resumes it, and the
# new rows continue the segment numbers and the CPU and wall totals of the curve.
#
# Each segment is `svqvideo train` for its budget: the first from scratch (`--preset demo-pretrain --budget-mode
# pause`), the rest continue it (`--resume`), then `svqvideo eval` of the segment's last checkpoint on the 1000 held-out
# test sequences (digits never seen in training). curve.csv gets one row per segment: the training process's
# own CPU time (user + system, from /usr/bin/time) summed over segments, so the CPU-hours stay honest on a
# shared machine, the wall time, and the test scores next to copy-last-frame and the blank frame.
# Needs jq (apt-get install jq) to read the eval JSON.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVQ="${SVQVIDEO_CLI:-$ROOT/svqvideo}"
OUT="${1:-runs/pretrain}"
shift || true
SEGMENTS=("$@")
[ ${#SEGMENTS[@]} -gt 0 ] || SEGMENTS=(10m 15m 15m 20m)
command -v jq >/dev/null || { echo "pretrain-demo.sh: jq is needed to read eval's JSON (apt-get install jq)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "pretrain-demo.sh: /usr/bin/time is needed to measure CPU time (apt-get install time)" >&2; exit 2; }
mkdir -p "$OUT"
CURVE="$OUT/curve.csv"
THREADS=()
[ -z "${PRETRAIN_THREADS:-}" ] || THREADS=(--threads "$PRETRAIN_THREADS")
first=0
if [ -f "$OUT/last.safetensors" ] && [ -f "$CURVE" ] && [ "$(wc -l < "$CURVE")" -gt 1 ]; then
  # Continue the run: totals and the next segment number from the curve's last row.
  IFS=, read -r last_seg _ cpu wall _ < <(tail -1 "$CURVE")
  first=$((last_seg + 1)); start=(--resume)
  echo "continuing $OUT after segment $last_seg ($cpu CPU-seconds so far)"
else
  echo "segment,budget,train_cpu_seconds,train_wall_seconds,cpu_hours,wall_hours,steps,mse,mae,ssim,psnr,copy_last_mse,blank_mse" > "$CURVE"
  cpu=0; wall=0; start=(--preset demo-pretrain --budget-mode pause)
fi
for k in "${!SEGMENTS[@]}"; do
  seg="${SEGMENTS[$k]}"; i=$((first + k)); run="$OUT"
  if [[ "$seg" == cosine:* ]]; then
    run="$OUT/cosine-$i"
    /usr/bin/time -f "%U %S %e" -o "$OUT/time-$i.txt" "$SVQ" train --preset demo-pretrain --init-from "$OUT/last.safetensors" \
      --schedule cosine --lr 1e-3 --warmup-epochs 0 --seed 7 "${THREADS[@]}" --budget "${seg#cosine:}" --out "$run" >> "$OUT/train.log" 2>&1
  else
    /usr/bin/time -f "%U %S %e" -o "$OUT/time-$i.txt" "$SVQ" train "${start[@]}" "${THREADS[@]}" --budget "$seg" --out "$OUT" >> "$OUT/train.log" 2>&1
    start=(--resume)
  fi
  read -r u s e < <(tail -1 "$OUT/time-$i.txt")
  cpu=$(echo "$cpu + $u + $s" | bc -l); wall=$(echo "$wall + $e" | bc -l)
  "$SVQ" eval "${THREADS[@]}" --checkpoint "$run/last.safetensors" --out "$OUT/eval-$i" --json > "$OUT/eval-$i.json" 2>> "$OUT/eval.log"
  steps=$(jq -s 'map(select(.type == "epoch") | .global_step) | max // 0' "$OUT/train.jsonl")
  [ "$run" = "$OUT" ] || steps=$((steps + $(jq -s 'map(select(.type == "epoch") | .global_step) | max // 0' "$run/train.jsonl")))
  jq -r --arg i "$i" --arg b "$seg" --arg cpu "$cpu" --arg wall "$wall" --arg steps "$steps" \
    '[$i, $b, $cpu, $wall, (($cpu|tonumber)/3600), (($wall|tonumber)/3600), $steps, .model.metrics.mse.mean, .model.metrics.mae.mean, .model.metrics.ssim.mean, .model.metrics.psnr.mean, .baselines.copy_last_frame_mse, .baselines.blank_frame_mse] | @csv' \
    "$OUT/eval-$i.json" | tr -d '"' >> "$CURVE"
  tail -1 "$CURVE"
done
