#!/usr/bin/env bash
# Regenerates the figures in docs/ with the project's own command line.
# tests/test_cli_viz.py checks that docs/network.dot is what this command draws.
# --compact puts each op inside its value's box: half as many ranks, so the figure fits a
# 16:9 slide with its edge labels still readable; --slide makes the slide itself.
# docs/explore.png, the explorer page in a browser, is made by `python docs/screenshot.py
# docs/explore.png` (it needs chromium, and a browser's pixels are not reproducible byte for byte).
set -euo pipefail
cd "$(dirname "$0")/.."

NETWORK="x1 = input*w1 + b1; y1 = softplus(x1); x2 = input*w2 + b2; y2 = softplus(x2);
predicted = y1*w3 + y2*w4 + b3; SSR = (observed - predicted)**2"
VALUES=(input=0.5 observed=1 w1=3.34 b1=-1.43 w2=-3.53 b2=0.57 w3=-1.22 w4=-2.30 b3=0)
TITLE="The drug-dosage network, one data point (input 0.5, observed 1), b3 = 0"

for out in docs/network.svg docs/network.png docs/network.dot; do
    python -m viz "$NETWORK" --set "${VALUES[@]}" --compact --highlight w1 --title "$TITLE" -o "$out"
done
python -m viz "$NETWORK" --set "${VALUES[@]}" --compact --no-grads --title "Exercise: fill in every grad" \
    -o docs/network-exercise.svg
# For a 16:9 slide (every text 14 points on a 1280-pixel-wide slide), and the backward pass of the same
# network as one animated GIF, one frame per += with its equation (Pillow, the animate extra).
python -m viz "$NETWORK" --set "${VALUES[@]}" --slide --highlight w1 --title "$TITLE" -o docs/network-slide.svg
python -m viz "$NETWORK" --set "${VALUES[@]}" --slide --gif docs/backward.gif >/dev/null
# The pictures of training (matplotlib, the plot extra): descent.png, fit.png, loss.png.
python -m demos.pictures --out docs >/dev/null
# Newton's one step on b3 (newton.png) and dSSR/dw1 drawn as a graph of its own (gradient.svg).
python -m demos.newton --out docs >/dev/null
