#!/usr/bin/env python3
"""Diagnostics behind BENCHMARKS.md's `forecast --fit` study (issue #13). A developer's tool, not part of the product.

Needs Debian's python3-numpy, python3-torch and ffmpeg (`apt-get install python3-torch ffmpeg`).
The clips are Python ports of two kinds of hosts/SvqVideo.Bench/FitClips.cs (pattern; colour/odd balls), close
to but not byte-identical with the benchmark's.

  fit_diagnose.py clip KIND OUT.avi             210 frames of KIND (pattern|colour|odd): the first 200 as Motion JPEG
                                                in OUT.avi (what forecast --fit reads), all 210 in OUT.avi.npy
  fit_diagnose.py ceiling KIND                  luma MSE ratio to copy-last of a perfect 64x64 change added, upsampled,
                                                to the full-size last frame (the best the CLI's full-size output can do)
  fit_diagnose.py diagnose OUT.avi FORECAST.avi the forecast (from svqvideo forecast --input OUT.avi --fit ... --frames 10)
                                                scored against copy-last: RGB and luma ratios, per step, near motion vs static
"""
import math
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F


def bounce(t, span):
    if span <= 0:
        return 0
    p = ((t % (2 * span)) + 2 * span) % (2 * span)
    return p if p < span else 2 * span - p


def pattern(t):
    w, h = 160, 128
    bars = np.array([1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0], np.float32)
    ys, xs = np.mgrid[0:h, 0:w]
    bar = np.minimum(7, xs // 20)
    v = ((xs + 2 * t) % 160) / 160
    bottom = [v, 1 - v, np.full_like(v, 0.5, dtype=float)]
    f = np.stack([np.where(ys < 80, bars[bar * 3 + c] * 0.8, bottom[c]) for c in range(3)]).astype(np.float32)
    bx, by = bounce(t * 3, w - 24), bounce(t * 2 + 11, h - 24)
    box = (xs >= bx) & (xs < bx + 24) & (ys >= by) & (ys < by + 24)
    cx, cy = 80 + 40 * math.cos(t * 0.07), 64 + 30 * math.sin(t * 0.07)
    d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
    ring = (d > 8) & (d < 12)
    for c in range(3):
        f[c][box] = (0.95, 0.95, 0.1)[c]
        f[c][ring] = (0.1, 0.2, 0.9)[c]
    return f


def balls(t, w, h, seed=1):
    ys, xs = np.mgrid[0:h, 0:w]
    f = np.stack([0.2 + 0.5 * xs / w, np.full((h, w), 0.25), 0.2 + 0.5 * ys / h]).astype(np.float32)
    for x0, y0, vx, vy, r, col in [(10 + seed, 10, 1.3, 0.9, 7, (0.9, 0.2, 0.2)), (50, 30, -1.1, 0.7, 9, (0.2, 0.8, 0.3)),
                                   (30, 50, 0.8, -1.2, 6, (0.2, 0.3, 0.95))]:
        bx = r + bounce(int(round(x0 + vx * t * 2)), int(w - 2 * r))
        by = r + bounce(int(round(y0 + vy * t * 2)), int(h - 2 * r))
        m = ((xs - bx) ** 2 + (ys - by) ** 2) <= r * r
        for c in range(3):
            f[c][m] = col[c]
    return f


KINDS = {"pattern": lambda t: pattern(t), "colour": lambda t: balls(t, 96, 72), "odd": lambda t: balls(t, 97, 71)}


def luma(a):
    return 0.299 * a[:, 0] + 0.587 * a[:, 1] + 0.114 * a[:, 2]


def decode(path, h, w):
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).astype(np.float32).transpose(0, 3, 1, 2) / 255


def clip(kind, out):
    frames = np.stack([KINDS[kind](t) for t in range(210)])
    np.save(out + ".npy", frames)
    h, w = frames.shape[2:]
    p = subprocess.Popen(["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                          "-r", "25", "-i", "-", "-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p", out], stdin=subprocess.PIPE)
    for f in frames[:200]:
        p.stdin.write((np.clip(f, 0, 1) * 255).round().astype(np.uint8).transpose(1, 2, 0).tobytes())
    p.stdin.close()
    p.wait()


def ceiling(kind):
    fr = torch.tensor(np.stack([KINDS[kind](t) for t in range(210)]))
    last, truth = fr[199], fr[200:210]
    h, w = last.shape[1:]
    small = lambda x: F.interpolate(x, size=(64, 64), mode="area")
    change = F.interpolate(small(truth) - small(last[None]), size=(h, w), mode="bilinear", align_corners=False)
    best = (last[None] + change).clamp(0, 1).numpy()
    err = lambda p: ((np.round(luma(p) * 255) - np.round(luma(truth.numpy()) * 255)) ** 2).mean()
    print(f"{kind}: perfect 64x64 change / copy-last (luma MSE) {err(best) / err(last[None].numpy().repeat(10, 0)):.3f}")


def diagnose(clip_path, forecast_path):
    truth = np.load(clip_path + ".npy")[200:210]
    h, w = truth.shape[2:]
    pred = decode(forecast_path, h, w)[-10:]
    last = decode(clip_path, h, w)[-1]
    ratio = lambda p, l, t: ((p - t) ** 2).mean() / ((l[None] - t) ** 2).mean()
    print(f"RGB ratio {ratio(pred, last, truth):.3f}  luma ratio {ratio(luma(pred), luma(last[None])[0], luma(truth)):.3f}")
    lp, ll, lt = luma(pred), luma(last[None])[0], luma(truth)
    steps = [((lp[k] - lt[k]) ** 2).mean() / ((ll - lt[k]) ** 2).mean() for k in range(10)]
    print("luma ratio per step", " ".join(f"{s:.2f}" for s in steps))
    for k in range(10):
        moving = np.abs(lt[k] - ll) > 0.02
        near = moving.copy()
        for dy in range(-3, 4):
            for dx in range(-3, 4):
                near |= np.roll(np.roll(moving, dy, 0), dx, 1)
        e = (lp[k] - lt[k]) ** 2 * 65025
        print(f"step {k + 1}: model error near motion {e[near].sum() / e.size:.1f}, static {e[~near].sum() / e.size:.1f}, "
              f"copy-last {((ll - lt[k]) ** 2).mean() * 65025:.1f} (luma MSE, 8-bit)")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "clip" and len(sys.argv) == 4:
        clip(sys.argv[2], sys.argv[3])
    elif cmd == "ceiling" and len(sys.argv) == 3:
        ceiling(sys.argv[2])
    elif cmd == "diagnose" and len(sys.argv) == 4:
        diagnose(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
