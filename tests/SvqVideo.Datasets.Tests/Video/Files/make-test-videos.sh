#!/usr/bin/env bash
# Makes the small videos the seek and window tests read (a developer's tool: needs ffmpeg, e.g. `apt-get install ffmpeg`;
# the tests read the committed files and never run it). 150 frames of ffmpeg's testsrc2 at 96x64, 30 fps: every frame
# differs (its counter and moving parts), so a frame that lands elsewhere is seen.
#   counter-h264.mp4   H.264, keyframe every 48 frames, 3 B-frames (decode order differs from display order)
#   counter-mpeg4.mp4  MPEG-4 Part 2, keyframe every 24 frames, 2 B-frames
#   counter-vfr.mkv    H.264 with a 20-frame gap in its timestamps after frame 60 (a variable-frame-rate file)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
src=(-f lavfi -i testsrc2=size=96x64:rate=30 -frames:v 150)
common=(-fflags +bitexact -map_metadata -1)
ffmpeg -v error -y "${src[@]}" -c:v libx264 -g 48 -bf 3 -pix_fmt yuv420p -movflags +faststart "${common[@]}" counter-h264.mp4
ffmpeg -v error -y "${src[@]}" -c:v mpeg4 -g 24 -bf 2 -q:v 4 "${common[@]}" counter-mpeg4.mp4
ffmpeg -v error -y "${src[@]}" -vf "setpts='(N+if(gte(N,60),20,0))/30/TB'" -fps_mode passthrough -c:v libx264 -g 48 \
  -pix_fmt yuv420p "${common[@]}" counter-vfr.mkv
