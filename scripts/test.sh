#!/usr/bin/env bash
# Runs the whole suite. The PostgreSQL suite needs a server at COMPUTECREDIT_TEST_DATABASE_URL
# (default: the local one); without it we say so loudly and skip it, unless CI demands it.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export COMPUTECREDIT_TEST_DATABASE_URL="${COMPUTECREDIT_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

markers=()
if ! $PY - <<'PY' 2>/dev/null
import os, sqlalchemy as sa
url = os.environ["COMPUTECREDIT_TEST_DATABASE_URL"]
sa.create_engine(url, connect_args={"connect_timeout": 3}).connect().close()
PY
then
  if [ "${COMPUTECREDIT_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "FATAL: PostgreSQL is required (COMPUTECREDIT_REQUIRE_POSTGRES=1) but none answers at $COMPUTECREDIT_TEST_DATABASE_URL" >&2
    exit 1
  fi
  echo "################################################################################"
  echo "# WARNING: no PostgreSQL at $COMPUTECREDIT_TEST_DATABASE_URL"
  echo "# SKIPPING the PostgreSQL suite (tests marked 'postgres'). Start a server or set"
  echo "# COMPUTECREDIT_TEST_DATABASE_URL to run it."
  echo "################################################################################"
  markers+=("not postgres")
fi

if [ ! -x "${COMPUTECREDIT_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "${COMPUTECREDIT_REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "FATAL: Chromium is required but not found" >&2
    exit 1
  fi
  echo "################################################################################"
  echo "# WARNING: no Chromium at ${COMPUTECREDIT_CHROMIUM:-/usr/bin/chromium}: SKIPPING browser tests"
  echo "# (tests marked 'e2e'); 'bash .ci/run' installs it from Debian's packages."
  echo "################################################################################"
  markers+=("not e2e")
fi

args=()
if [ ${#markers[@]} -gt 0 ]; then
  expr=$(IFS='|'; echo "${markers[*]}" | sed 's/|/ and /g')
  args+=(-m "$expr")
fi
exec $PY -m pytest "${args[@]}" "$@"
