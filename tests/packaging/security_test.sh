#!/bin/sh
# Usage: security_test.sh UNIT MAX
# Fails when `systemd-analyze security --offline=yes UNIT` rates the unit's
# overall exposure above MAX (0 = fully locked down, 10 = fully exposed).
# Skips (77) only when systemd-analyze is not installed.
set -u
unit=$1
max=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"
  exit 77
fi
out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)
rc=$?
# The per-setting table, for whoever has to lower the score.
printf '%s\n' "$out"
# "→ Overall exposure level for slackdesk.service: 1.1 OK 🙂"
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]*\).*/\1/p' | tail -n 1)
if [ -z "$score" ]; then
  echo "FAIL: no 'Overall exposure level' line in the output (systemd-analyze exit $rc)"
  exit 1
fi
echo "exposure score of $(basename "$unit"): $score (limit $max)"
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 <= m + 0) }'; then
  echo "PASS"
  exit 0
fi
echo "FAIL: exposure $score is above $max; tighten the sandbox in $unit"
exit 1
