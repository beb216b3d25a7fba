#!/usr/bin/env bash
# Renders icon.svg into every size the bundles need (Linux PNGs, Windows ICO, macOS ICNS).
# Needs ImageMagick (Debian: imagemagick) and python3. Run from anywhere: ./icons/generate.sh
set -euo pipefail
cd "$(dirname "$0")"
render() { convert -background none -density 384 icon.svg -resize "$1x$1" -depth 8 "PNG32:$2"; }
render 32 32x32.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for size in 16 24 32 48 64 128 256 1024; do render "$size" "$tmp/$size.png"; done
convert "$tmp/16.png" "$tmp/24.png" "$tmp/32.png" "$tmp/48.png" "$tmp/64.png" "$tmp/256.png" icon.ico
# ICNS is a header and typed PNG chunks; ImageMagick cannot write it, so assemble it here.
python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]
chunks = [(b"icp4", 16), (b"icp5", 32), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024),
          (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512)]
body = b""
for kind, size in chunks:
    path = f"{tmp}/{size}.png" if size in (16, 24, 32, 48, 64, 128, 256, 1024) else ("icon.png" if size == 512 else None)
    data = open(path, "rb").read()
    body += kind + struct.pack(">I", len(data) + 8) + data
open("icon.icns", "wb").write(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
