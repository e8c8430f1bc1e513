#!/usr/bin/env bash
# Makes the demo's bundled checkpoint with the project's own commands and records its learning curve.
#
#   scripts/pretrain-demo.sh [run folder] [segment budgets...]
#   (default: runs/pretrain, segments 10m 15m 15m 20m)
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
echo "segment,budget,train_cpu_seconds,train_wall_seconds,cpu_hours,wall_hours,steps,mse,mae,ssim,psnr,copy_last_mse,blank_mse" > "$CURVE"
cpu=0; wall=0; start=(--preset demo-pretrain --budget-mode pause)
for i in "${!SEGMENTS[@]}"; do
  seg="${SEGMENTS[$i]}"
  /usr/bin/time -f "%U %S %e" -o "$OUT/time-$i.txt" "$SVQ" train "${start[@]}" --budget "$seg" --out "$OUT" >> "$OUT/train.log" 2>&1
  start=(--resume)
  read -r u s e < <(tail -1 "$OUT/time-$i.txt")
  cpu=$(echo "$cpu + $u + $s" | bc -l); wall=$(echo "$wall + $e" | bc -l)
  "$SVQ" eval --checkpoint "$OUT/last.safetensors" --out "$OUT/eval-$i" --json > "$OUT/eval-$i.json" 2>> "$OUT/eval.log"
  steps=$(jq -s 'map(select(.type == "epoch") | .global_step) | max // 0' "$OUT/train.jsonl")
  jq -r --arg i "$i" --arg b "$seg" --arg cpu "$cpu" --arg wall "$wall" --arg steps "$steps" \
    '[$i, $b, $cpu, $wall, (($cpu|tonumber)/3600), (($wall|tonumber)/3600), $steps, .model.metrics.mse.mean, .model.metrics.mae.mean, .model.metrics.ssim.mean, .model.metrics.psnr.mean, .baselines.copy_last_frame_mse, .baselines.blank_frame_mse] | @csv' \
    "$OUT/eval-$i.json" | tr -d '"' >> "$CURVE"
  tail -1 "$CURVE"
done
