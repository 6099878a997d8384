#!/usr/bin/env bash
# The Debian package, installed for real on this machine: lintian, install,
# the file modes and the system user, `slackdesk --version` and `check`, a
# short `run` as the service user that creates the state database, an
# upgrade that keeps configuration and state, remove (keeps them) and purge
# (deletes them).
#
# Needs root and $SLACKDESK_DEB (the .deb to test); `make test-package` sets
# it. Without them it skips (77). It refuses to run when slackdesk is already
# installed or /etc/slackdesk or /var/lib/slackdesk exist, since it purges.
set -uo pipefail

deb=${SLACKDESK_DEB:-}
if [[ -z "$deb" ]]; then
  echo "SKIP: SLACKDESK_DEB is not set; run 'make test-package'"
  exit 77
fi
if [[ ! -f "$deb" ]]; then
  echo "FAIL: SLACKDESK_DEB=$deb is not a file"
  exit 1
fi
deb=$(readlink -f "$deb")
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: installing a package needs root"
  exit 77
fi
for tool in dpkg dpkg-deb lintian runuser setpriv; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: $tool is not installed ('make test-package' installs it)"
    exit 1
  fi
done
if dpkg-query -W -f='${Status}' slackdesk 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "FAIL: a slackdesk package is already on this machine; 'dpkg --purge slackdesk' first"
  exit 1
fi
for dir in /etc/slackdesk /var/lib/slackdesk; do
  if [[ -e $dir ]]; then
    echo "FAIL: $dir exists and the purge at the end would delete it; move it away first"
    exit 1
  fi
done

export DEBIAN_FRONTEND=noninteractive
failures=0
checks=0
work=$(mktemp -d)
user_existed=no
getent passwd slackdesk >/dev/null && user_existed=yes

cleanup() {
  if dpkg-query -W -f='${Status}' slackdesk 2>/dev/null | grep -q 'installed\|config-files'; then
    dpkg --purge slackdesk >/dev/null 2>&1 || true
  fi
  if [[ $user_existed == no ]] && getent passwd slackdesk >/dev/null; then
    deluser --quiet --system slackdesk >/dev/null 2>&1 || userdel slackdesk 2>/dev/null || true
    getent group slackdesk >/dev/null && { delgroup --quiet --system slackdesk >/dev/null 2>&1 || groupdel slackdesk 2>/dev/null || true; }
  fi
  rm -rf "$work"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok   $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $1"; }
expect() {  # expect DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
mode_of() { stat -c '%a %U:%G' "$1" 2>/dev/null; }
has() { grep -q -- "$2" <<<"$1"; }       # has TEXT PATTERN
lacks() { ! grep -q -- "$2" <<<"$1"; }   # lacks TEXT PATTERN
first_line_has() { head -n 1 <<<"$1" | grep -q -- "$2"; }
user_exists() { id "$1" >/dev/null 2>&1; }
# Runs slackdesk with an empty environment, as the service would see it.
clean_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)

echo "== package: $deb"
version=$(dpkg-deb -f "$deb" Version)
upstream=${version%-*}
control=$(dpkg-deb -f "$deb")
printf '%s\n' "$control" | sed 's/^/   /'
expect "Section is net" grep -qx 'Section: net' <<<"$control"
expect "Priority is optional" grep -qx 'Priority: optional' <<<"$control"
expect "Depends has the shared libraries (shlibdeps) and adduser" \
  grep -Eq '^Depends: .*libc6.*' <<<"$control"
expect "Depends has adduser" grep -Eq '^Depends: .*adduser' <<<"$control"
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/slackdesk ./lib/systemd/system/slackdesk.service ./etc/slackdesk/slackdesk.conf \
            ./usr/share/man/man8/slackdesk.8.gz ./usr/share/doc/slackdesk/copyright \
            ./usr/share/doc/slackdesk/changelog.Debian.gz ./usr/share/doc/slackdesk/setup-guide.md \
            ./usr/share/doc/slackdesk/admin-guide.md ./usr/share/doc/slackdesk/config.md \
            ./usr/share/doc/slackdesk/slack-app-manifest.yaml; do
  expect "the package holds $path" grep -q " $path\$" <<<"$contents"
done
expect "the package's slackdesk.conf is -rw-r----- root/root" \
  grep -Eq '^-rw-r----- root/root .* ./etc/slackdesk/slackdesk.conf$' <<<"$contents"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles" 2>/dev/null
expect "slackdesk.conf is a conffile" grep -qx /etc/slackdesk/slackdesk.conf "$work/conffiles"

echo "== lintian"
lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1
lintian_rc=$?
sed 's/^/   /' "$work/lintian"
expect "lintian reports no errors" test "$lintian_rc" = 0
expect "lintian output has no E: line" lacks "$(cat "$work/lintian")" '^E:'

echo "== install"
if dpkg -i "$deb" >"$work/install" 2>&1; then pass "dpkg -i"; else fail "dpkg -i"; cat "$work/install"; fi
expect "the package is installed" test "$(dpkg-query -W -f='${Status}' slackdesk)" = "install ok installed"
out=$(slackdesk --version 2>&1)
echo "   slackdesk --version: $out"
expect "slackdesk --version prints the package's upstream version" test "$out" = "slackdesk $upstream"
expect "the slackdesk system user exists" user_exists slackdesk
uid=$(id -u slackdesk 2>/dev/null || echo 99999)
expect "slackdesk is a system user (uid $uid < 1000)" test "$uid" -lt 1000
expect "slackdesk has no login shell" test "$(getent passwd slackdesk | cut -d: -f7)" = /usr/sbin/nologin
expect "/etc/slackdesk/slackdesk.conf is 640 root:slackdesk (got $(mode_of /etc/slackdesk/slackdesk.conf))" \
  test "$(mode_of /etc/slackdesk/slackdesk.conf)" = "640 root:slackdesk"
expect "/etc/slackdesk/credentials is 700 root:root (got $(mode_of /etc/slackdesk/credentials))" \
  test "$(mode_of /etc/slackdesk/credentials)" = "700 root:root"
expect "/var/lib/slackdesk is 700 slackdesk:slackdesk (got $(mode_of /var/lib/slackdesk))" \
  test "$(mode_of /var/lib/slackdesk)" = "700 slackdesk:slackdesk"
expect "the unit is installed" test -f /lib/systemd/system/slackdesk.service
expect "the manual page is found by man" bash -c 'man -w slackdesk 2>/dev/null | grep -q slackdesk.8'
# The guides the manual page points to are where it says, and the manifest
# is the one to paste (its scopes included).
page=$(MANWIDTH=200 man slackdesk 2>/dev/null)
for doc in setup-guide.md admin-guide.md config.md slack-app-manifest.yaml; do
  expect "/usr/share/doc/slackdesk/$doc is installed" test -s "/usr/share/doc/slackdesk/$doc"
  expect "... and the manual page names it" has "$page" "/usr/share/doc/slackdesk/$doc"
done
expect "the installed manifest asks for the bot scopes" \
  grep -q '^      - app_mentions:read$' /usr/share/doc/slackdesk/slack-app-manifest.yaml
if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify /lib/systemd/system/slackdesk.service >"$work/verify" 2>&1
  verify_rc=$?
  sed 's/^/   /' "$work/verify"
  expect "systemd-analyze verify accepts the installed unit" test "$verify_rc" = 0
  score=$(systemd-analyze security --offline=yes --no-pager /lib/systemd/system/slackdesk.service 2>&1 |
          sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "   exposure of the installed unit: ${score:-?}"
  expect "the installed unit's exposure is <= 2.0" awk -v s="${score:-99}" 'BEGIN { exit !(s + 0 <= 2.0) }'
fi

echo "== check with no configuration"
out=$("${clean_env[@]}" slackdesk check 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "check with the shipped (all-comments) config exits 2 (got $rc)" test "$rc" = 2
expect "... and says which key is missing" grep -q '^FAIL config: missing required key slack_app_token' <<<"$out"
out=$("${clean_env[@]}" slackdesk check --config /etc/slackdesk/absent.conf 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "check with a missing config file exits 2 (got $rc)" test "$rc" = 2
expect "... and says the file cannot be read" \
  grep -q '^FAIL config: /etc/slackdesk/absent.conf: cannot read config file: No such file or directory' <<<"$out"
out=$(runuser -u nobody -- "${clean_env[@]}" slackdesk check --config /etc/slackdesk/slackdesk.conf 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "other users cannot read slackdesk.conf (exit 2; got $rc)" test "$rc" = 2
expect "... Permission denied" has "$out" 'cannot read config file: Permission denied'

echo "== configured: credentials in /etc/slackdesk/credentials, as the guide says"
# Unreachable Slack and Jira on this machine: a refused connection fails fast.
for name in slack_app_token slack_bot_token jira_api_token; do
  case $name in
    slack_app_token) value=xapp-1-A000TEST-0000-packagetest ;;
    slack_bot_token) value=xoxb-0000-packagetest ;;
    *) value=jira-packagetest-token ;;
  esac
  (umask 077; echo "$value" >"/etc/slackdesk/credentials/$name")
done
sed -i -e 's/^#\(slack_[a-z]*_token_file = \)/\1/' -e 's/^#\(jira_api_token_file = \)/\1/' \
  -e 's|^#slack_api_url = .*|slack_api_url = http://127.0.0.1:1/api|' \
  -e 's|^#jira_url = .*|jira_url = http://127.0.0.1:1|' \
  -e 's/^#\(jira_email = \)/\1/' -e 's/^#\(jira_service_desk_id = \)/\1/' -e 's/^#\(jira_request_type_id = \)/\1/' \
  /etc/slackdesk/slackdesk.conf
expect "editing the conffile in place keeps 640 root:slackdesk" \
  test "$(mode_of /etc/slackdesk/slackdesk.conf)" = "640 root:slackdesk"
out=$("${clean_env[@]}" timeout 120 slackdesk check 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "root's check reads the config and the credential files (exit 1: Slack unreachable; got $rc)" test "$rc" = 1
expect "... with 'ok config' first" first_line_has "$out" '^ok *config: /etc/slackdesk/slackdesk.conf'
expect "... and no token in the output" lacks "$out" packagetest

# What systemd does: copy the credentials where only the service can read
# them and point SLACKDESK_*_FILE there. The service user reads the config
# through its group but not /etc/slackdesk/credentials.
creds="$work/credentials"
install -d -o slackdesk -g slackdesk -m 0500 "$creds"
for name in slack_app_token slack_bot_token jira_api_token; do
  install -o slackdesk -g slackdesk -m 0400 "/etc/slackdesk/credentials/$name" "$creds/$name"
done
chmod 0711 "$work"
service_env=("${clean_env[@]}" SLACKDESK_SLACK_APP_TOKEN_FILE="$creds/slack_app_token"
             SLACKDESK_SLACK_BOT_TOKEN_FILE="$creds/slack_bot_token"
             SLACKDESK_JIRA_API_TOKEN_FILE="$creds/jira_api_token")
out=$(runuser -u slackdesk -- "${clean_env[@]}" slackdesk check --config /etc/slackdesk/slackdesk.conf 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "the service user cannot read /etc/slackdesk/credentials itself (exit 2; got $rc)" test "$rc" = 2
expect "... Permission denied on the credential file" \
  has "$out" 'cannot read secret file /etc/slackdesk/credentials/slack_app_token: Permission denied'
out=$(runuser -u slackdesk -- "${service_env[@]}" timeout 120 slackdesk check --config /etc/slackdesk/slackdesk.conf 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/   /'
expect "with the credentials copies the service user's config is valid (exit 1: Slack unreachable; got $rc)" test "$rc" = 1
expect "... with 'ok config' first" first_line_has "$out" '^ok *config:'

echo "== a short run as the service user creates the state database"
# setpriv execs (no fork), so the SIGTERM below reaches slackdesk itself.
setpriv --reuid=slackdesk --regid=slackdesk --init-groups \
  "${service_env[@]}" sh -c 'umask 077; exec slackdesk run --config /etc/slackdesk/slackdesk.conf' \
  >"$work/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 100); do
  [[ -f /var/lib/slackdesk/state.db ]] && grep -q 'starting' "$work/run.log" && break
  sleep 0.1
done
sleep 0.5
kill -TERM "$run_pid" 2>/dev/null
wait "$run_pid"; rc=$?
sed 's/^/   /' "$work/run.log"
expect "slackdesk run stopped cleanly on SIGTERM (exit $rc)" test "$rc" = 0
expect "state.db was created, 600 slackdesk:slackdesk (got $(mode_of /var/lib/slackdesk/state.db))" \
  test "$(mode_of /var/lib/slackdesk/state.db)" = "600 slackdesk:slackdesk"
expect "no token in the log" lacks "$(cat "$work/run.log")" packagetest
echo "kept across upgrades" >/var/lib/slackdesk/marker
db_sum=$(md5sum </var/lib/slackdesk/state.db)
conf_sum=$(md5sum </etc/slackdesk/slackdesk.conf)

echo "== reinstall the same version"
if dpkg -i --force-confdef --force-confold "$deb" >"$work/reinstall" 2>&1; then pass "dpkg -i again"; else fail "dpkg -i again"; cat "$work/reinstall"; fi
expect "the edited config is kept" test "$(md5sum </etc/slackdesk/slackdesk.conf)" = "$conf_sum"

echo "== upgrade to a newer version"
newver="${version}+upgradetest1"
dpkg-deb -R "$deb" "$work/pkg"
sed -i "s/^Version: .*/Version: $newver/" "$work/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/pkg" "$work/slackdesk_upgrade.deb" >/dev/null
if dpkg -i --force-confdef --force-confold "$work/slackdesk_upgrade.deb" >"$work/upgrade" 2>&1; then
  pass "dpkg -i $newver"
else
  fail "dpkg -i $newver"; cat "$work/upgrade"
fi
expect "the installed version is $newver" test "$(dpkg-query -W -f='${Version}' slackdesk)" = "$newver"
expect "the state marker is kept" test "$(cat /var/lib/slackdesk/marker 2>/dev/null)" = "kept across upgrades"
expect "state.db is kept unchanged" test "$(md5sum </var/lib/slackdesk/state.db)" = "$db_sum"
expect "the edited config is kept" test "$(md5sum </etc/slackdesk/slackdesk.conf)" = "$conf_sum"
expect "the config is still 640 root:slackdesk" test "$(mode_of /etc/slackdesk/slackdesk.conf)" = "640 root:slackdesk"
expect "the credentials are kept" test -s /etc/slackdesk/credentials/slack_bot_token

echo "== remove (not purge)"
if dpkg -r slackdesk >"$work/remove" 2>&1; then pass "dpkg -r"; else fail "dpkg -r"; cat "$work/remove"; fi
expect "the binary is gone" test ! -e /usr/bin/slackdesk
expect "the config is kept" test -f /etc/slackdesk/slackdesk.conf
expect "the credentials are kept" test -f /etc/slackdesk/credentials/slack_bot_token
expect "the state is kept" test -f /var/lib/slackdesk/state.db

echo "== purge"
if dpkg --purge slackdesk >"$work/purge" 2>&1; then pass "dpkg --purge"; else fail "dpkg --purge"; cat "$work/purge"; fi
expect "the package is gone" lacks "$(dpkg-query -W -f='${Status}' slackdesk 2>/dev/null)" 'installed\|config-files'
expect "/etc/slackdesk is gone" test ! -e /etc/slackdesk
expect "/var/lib/slackdesk is gone" test ! -e /var/lib/slackdesk
expect "the unit is gone" test ! -e /lib/systemd/system/slackdesk.service

echo
echo "$((checks - failures)) passed, $failures failed"
[[ $failures == 0 ]]
