#!/bin/sh
# Prepares the directory of a private Request Tracker 5 for one test:
#   private_rt.sh DIR PORT [QUEUE]
# DIR gets its own site config (SQLite in DIR, mail to DIR/var/*.mbox,
# UTC, 127.0.0.1:PORT), an empty RT_SiteConfig.d (so the system-wide one
# is not read) and a copy of a template database with the objects of
# fixture.data and a REST2 token per user (DIR/<user>.token). The caller
# then starts rt-server with RT_SITE_CONFIG=DIR/RT_SiteConfig.pm and
# RT_SITE_CONFIG_DIR=DIR/siteconfig.d.
#
# The template is made once (about 12 s on a busy 2-core machine) and
# shared by every test and every parallel ctest process: a directory under
# /tmp named after the user, RT's version and a hash of this script,
# fixture.data and the queue, made under a file lock. Copying it takes
# milliseconds. Prints one line: whether the template was made (and in how
# many ms) or reused.
set -eu

dir=$1
port=$2
queue=${3:-Support}
here=$(cd "$(dirname "$0")" && pwd)
setup=/usr/sbin/rt-setup-database-5

[ -x "$setup" ] || { echo "$setup is missing: \`make test\` installs request-tracker5" >&2; exit 1; }

# $1: the instance directory, $2: the port.
write_config() {
  mkdir -p "$1/siteconfig.d" "$1/var" "$1/mason" "$1/sessions"
  cat >"$1/RT_SiteConfig.pm" <<CONFIG
# A private RT for slackdesk's tests (tests/support/rt/private_rt.sh).
Set(\$rtname, 'slackdesk-test');
Set(\$Organization, 'slackdesk.test');
Set(\$CorrespondAddress, 'support@rt.test');
Set(\$CommentAddress, 'support-comment@rt.test');
Set(\$OwnerEmail, 'root@rt.test');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$1/rt.sqlite');
Set(\$VarPath, '$1/var');
Set(\$MasonDataDir, '$1/mason');
Set(\$MasonSessionDir, '$1/sessions');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $2);
Set(\$WebPath, '');
Set(\$WebBaseURL, 'http://127.0.0.1:$2');
Set(\$Timezone, 'UTC');
# RT checks a REST2 token with bcrypt, at the cost the token was stored
# with, on every request. At RT's default cost (12) that is 0.22 s of Perl
# per request here: most of the 0.26-0.30 s each request took. The tokens
# of the template are stored at the lowest cost, so the tests spend their
# time on slackdesk rather than on bcrypt. A production RT pays it per
# request (docs/admin-guide.md, Request Tracker).
Set(\$BcryptCost, 4);
# Outgoing mail is appended to \$VarPath/<date>.mbox: no MTA, and tests can read it.
Set(\$MailCommand, 'mbox');
Set(\$LogToSTDERR, 'warning');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
1;
CONFIG
}

version=$(dpkg-query -W -f='${Version}' request-tracker5)
key=$(cat "$0" "$here/fixture.data" | { cat; printf '%s' "$queue"; } | sha1sum | cut -c1-16)
templates=/tmp/slackdesk-rt-templates-$(id -u)
template=$templates/$version-$key
mkdir -p "$templates"

exec 9>"$template.lock"
flock -w 120 9 || { echo "waited 120 s for $template.lock" >&2; exit 1; }
if [ -f "$template/ready" ]; then
  echo "template: reused $template"
else
  start=$(date +%s%N)
  rm -rf "$template"
  write_config "$template" 80
  export RT_SITE_CONFIG="$template/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$template/siteconfig.d"
  export SLACKDESK_RT_QUEUE="$queue" SLACKDESK_RT_TOKENS_DIR="$template"
  # SQLite needs no CREATE DATABASE; init makes the schema and RT's own data.
  "$setup" --action init --skip-create >"$template/setup.log" 2>&1 ||
    { cat "$template/setup.log" >&2; exit 1; }
  "$setup" --action insert --datafile "$here/fixture.data" >>"$template/setup.log" 2>&1 ||
    { cat "$template/setup.log" >&2; exit 1; }
  for user in slackdesk-bot agent; do
    [ -s "$template/$user.token" ] || { cat "$template/setup.log" >&2; echo "no token for $user" >&2; exit 1; }
  done
  touch "$template/ready"
  echo "template: made $template in $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
flock -u 9

write_config "$dir" "$port"
cp "$template/rt.sqlite" "$template/slackdesk-bot.token" "$template/agent.token" "$dir/"
