#!/bin/sh
# check-readme.sh README GRIDPATROLCTL MAKE-PHOTO MAKE-WALK
#
# Runs the examples of README.md's gridpatrolctl section as they are
# written, in a folder of their own: /tmp/x and /tmp/y become folders
# there, the photos and the walk they name are made first, and every
# command reads its clocks at one fixed instant (--now). Every command must
# succeed, and what the README says of their outputs must hold.
set -eu
readme=$1 ctl=$2 make_photo=$3 make_walk=$4
now=2026-11-29T10:00:00+08:00
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The block of commands after the section's heading.
awk '/^## gridpatrolctl/ { section = 1 } section && /^```sh/ { block = 1; next }
     block && /^```/ { exit } block { print }' "$readme" > "$work/examples.sh"
[ -s "$work/examples.sh" ] || { echo "no examples under “## gridpatrolctl” in $readme"; exit 1; }

cd "$work"
"$make_photo" big.jpg 4000 3000
"$make_photo" after.jpg 1600 1200
"$ctl" --data-dir "$work/walk" --now "$now" demo > /dev/null
"$make_walk" "$work/walk" route:610103003003-R1 2026-11-29T08:00:00+08:00 walk.gpx

sed -e "s#/tmp/x#$work/x#g; s#/tmp/y#$work/y#g" \
    -e "s#gridpatrolctl #\"$ctl\" --now $now #g" examples.sh > run.sh
n=0
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf '%s\n' "$line" >> steps.sh
done < run.sh
# One shell, so that $id carries from the report to its steps; stop at the
# first command that fails, and say which.
{ echo 'set -e'; sed 's/^\(.*\)$/echo "+ \1" >\&2; \1/' steps.sh; } > all.sh
if ! sh all.sh > out.txt 2> err.txt; then
  echo "an example of README.md failed:"; tail -5 err.txt; exit 1
fi
echo "ok: $n examples of README.md ran"

# What the README says of them.
grep -q '"state" *: *"closed"' out.txt || { echo "the incident did not end closed"; exit 1; }
[ "$(grep -c '"_id" *: *"household:' out.txt)" -ge 420 ] || { echo "fewer than 420 households listed"; exit 1; }
for f in week.pdf week.csv grid.geojson; do
  [ -s "$f" ] || { echo "$f was not written"; exit 1; }
done
