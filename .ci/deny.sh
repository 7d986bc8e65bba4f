#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (config: deny.toml at the repo root).
#
#   bash .ci/deny.sh
#
# Installs the pinned cargo-deny if it is missing or another version is
# installed (a build from crates.io: about 5 minutes on 2 cores), then runs
# every check: licenses, bans, sources and advisories.
#
# The advisories check needs the RustSec database, which is cloned from
# GitHub. Where GitHub cannot be reached and no copy was cloned before,
# the advisories check cannot run: the script then checks licenses, bans and
# sources, prints a warning that advisories were NOT checked, and succeeds.
# Set DENY_REQUIRE_ADVISORIES=1 to make that case fail instead. Where only
# an earlier clone is available it is used offline; cargo-deny itself fails
# if that copy is more than 90 days old.
set -euo pipefail
cd "$(dirname "$0")/.."

DENY_VERSION=0.20.2

installed=""
if command -v cargo-deny >/dev/null 2>&1; then
  installed=$(cargo deny --version 2>/dev/null | awk '{print $2}') || installed=""
fi
if [ "$installed" != "$DENY_VERSION" ]; then
  echo "installing cargo-deny $DENY_VERSION (found: ${installed:-none})"
  start=$(date +%s)
  cargo install --locked cargo-deny --version "$DENY_VERSION"
  echo "cargo-deny installed in $(( $(date +%s) - start ))s"
fi
cargo deny --version

# git must never wait for credentials on stdin (CI has none).
export GIT_TERMINAL_PROMPT=0

db_root="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
if timeout 300 cargo deny --locked fetch db; then
  cargo deny --locked check
elif compgen -G "$db_root/advisory-db-*/crates" >/dev/null; then
  echo "warning: could not update the RustSec advisory database; checking against the copy in $db_root" >&2
  cargo deny --locked --offline check
else
  echo "warning: the RustSec advisory database cannot be fetched here and no local copy exists:" >&2
  echo "warning: ADVISORIES WERE NOT CHECKED; checking licenses, bans and sources only" >&2
  cargo deny --locked check licenses bans sources
  if [ "${DENY_REQUIRE_ADVISORIES:-0}" = 1 ]; then
    echo "error: DENY_REQUIRE_ADVISORIES=1 and the advisories check could not run" >&2
    exit 1
  fi
fi
