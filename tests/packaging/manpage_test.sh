#!/bin/sh
# Usage: manpage_test.sh PAGE
# Fails when groff warns about the manual page, as lintian's
# groff-message check would. Skips (77) when groff is not installed.
set -u
page=$1
if ! command -v groff >/dev/null 2>&1; then
  echo "SKIP: groff is not installed (apt-get install groff-base)"
  exit 77
fi
warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>&1)
if [ -n "$warnings" ]; then
  printf '%s\n' "$warnings"
  echo "FAIL: groff warnings in $page"
  exit 1
fi
# A too-long line in the rendered page is the other usual complaint.
if command -v man >/dev/null 2>&1 &&
   LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null | grep .; then
  echo "FAIL: man warnings in $page"
  exit 1
fi
echo "PASS: $page renders without warnings"
