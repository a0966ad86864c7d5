#!/bin/sh
# Seeds for the fuzzers that are best made by the app itself: a small grid
# package, a photo with EXIF and a basemap, beside the hand-written seeds
# of tests/fuzz/seeds. Usage: make-seeds.sh BUILD-DIR CORPUS-DIR
set -eu
build=$1
corpus=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl="$build/src/tools/gridpatrolctl"
work=$(mktemp -d "$build/seeds-XXXXXX")
trap 'rm -rf "$work"' EXIT

for name in package track photo mbtiles document; do
  mkdir -p "$corpus/$name"
done
cp "$top"/tests/fuzz/seeds/track/* "$corpus/track/"
cp "$top"/tests/fuzz/seeds/document/* "$corpus/document/"

"$ctl" --data-dir "$work/data" demo --households 300 --seed 3 >/dev/null
"$ctl" --data-dir "$work/data" export-grid "$corpus/package/demo.geojson" 2>/dev/null
"$ctl" --data-dir "$work/data" basemap --out "$corpus/mbtiles/demo.mbtiles" --min-zoom 14 --max-zoom 14 >/dev/null
"$build/tests/make-photo" "$corpus/photo/exif.jpg" 160 120 6
