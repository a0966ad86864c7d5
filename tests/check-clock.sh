#!/bin/sh
# Runs the suites that read the clock with the machine's clock set, by
# libfaketime, to instants where a hidden dependency on it would show:
# the eve and the first day of the National Day holiday, a make-up working
# day on a Saturday, the first minute of a week and of a year in the grid's
# calendar (UTC+8). The tests fix the app's clock to their own "now", so
# every one of them must pass at every instant. The monotonic clock is
# left alone: timeouts and main-loop waits keep running.
#
#   check-clock.sh [--calendar-days] TEST…
#
# --calendar-days: only the week and year boundaries (for the slower UI
# suites, whose dependency would be on the calendar day).
set -eu

instants='2026-09-30 02:00:00|2026-10-01 08:00:00|2026-02-14 02:00:00|2026-11-29 16:00:00|2026-12-31 16:00:00'
if [ "${1:-}" = "--calendar-days" ]; then
  instants='2026-11-29 16:00:00|2026-12-31 16:00:00'
  shift
fi

command -v faketime >/dev/null || { echo "faketime is not installed (Debian package faketime)"; exit 1; }

status=0
IFS='|'
for instant in $instants; do
  for test in "$@"; do
    # The instants are in UTC: 10:00 and 16:00 in the grid's calendar, and
    # its midnights.
    if TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$instant" "$test" >"${TMPDIR:-/tmp}/check-clock.$$" 2>&1; then
      echo "ok: $(basename "$test") at $instant UTC"
    else
      echo "FAILED: $(basename "$test") at $instant UTC"
      tail -n 20 "${TMPDIR:-/tmp}/check-clock.$$"
      status=1
    fi
  done
done
rm -f "${TMPDIR:-/tmp}/check-clock.$$"
exit $status
