#!/usr/bin/env bash
# Builds Leadline once and runs every test project under tests/ against a throwaway
# PostgreSQL cluster and the system Chromium. The LAST line of output is always
# "N passed, N failed[, N skipped]"; the exit code is non-zero on any failure.
# Extra arguments go to every `dotnet test`, e.g. scripts/test.sh --filter "FullyQualifiedName~Leads".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# --- prerequisites -----------------------------------------------------------
# A missing PostgreSQL or Chromium is always a failure (CI=true or not), never a
# silent skip: tests that quietly skip their PostgreSQL/Chromium half look green
# while proving nothing. As root we install them; otherwise we say how and stop.
find_missing() {
  missing=()
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v python3 >/dev/null || missing+=(python3)   # summarizer + free-port probe
  [[ -x /usr/sbin/dovecot ]] || missing+=(dovecot-imapd)   # the e-mail tests' real IMAP server (a throwaway instance per test)
  ((${#missing[@]})); }
if find_missing; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if find_missing; then echo "ERROR: still missing after apt-get: ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; fi
  else
    echo "ERROR: missing ${missing[*]} (CI=${CI:-unset}); install with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "0 passed, 1 failed"; exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "ERROR: dotnet SDK not on PATH (see global.json)" >&2; echo "0 passed, 1 failed"; exit 1; }

# --- build once ----------------------------------------------------------------
# Built before PostgreSQL starts, so a broken build costs no cluster.
if ! dotnet build Leadline.slnx -c Debug -nologo -v minimal; then
  echo "BUILD FAILED"; echo "0 passed, 1 failed"; exit 1
fi

# --- throwaway PostgreSQL --------------------------------------------------------
# initdb refuses to run as root, so as root everything runs as the 'postgres' user
# (from a directory it can read); as any other user we run it directly.
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PGTMP="$(mktemp -d /tmp/pgci.XXXXXX)"
pgrun() { if [[ $(id -u) -eq 0 ]]; then (cd "$PGTMP" && runuser -u postgres -- "$@"); else "$@"; fi; }
cleanup() {
  # Never let cleanup itself fail or mask the real exit code.
  [[ -f "$PGTMP/data/postmaster.pid" ]] && pgrun "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP" || true
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # turn signals into a normal exit so cleanup runs
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$PGTMP"
pgrun "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# The free port is found by binding port 0; another process could grab it before
# postgres does, so retry a few times with a fresh port.
for attempt in 1 2 3; do
  PGPORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  pgrun "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null && break
  if ((attempt == 3)); then cat "$PGTMP/log" >&2; echo "PostgreSQL failed to start"; echo "0 passed, 1 failed"; exit 1; fi
done
echo "$("$PGBIN/postgres" --version) on 127.0.0.1:$PGPORT (data in $PGTMP)"
# Server-level connection: the fixtures create (and drop) their own databases.
export LEADLINE_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
export LEADLINE_CHROMIUM=/usr/bin/chromium

# --- run every test project, even after one fails ------------------------------
RESULTS="artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"   # stale .trx files would be counted again
mapfile -t projects < <(find tests -mindepth 2 -maxdepth 2 -name '*.csproj' | sort)   # tests/*/*.csproj
((${#projects[@]})) || { echo "no test projects under tests/"; echo "0 passed, 1 failed"; exit 1; }
runs=()   # "name:exitcode" for the summarizer
for proj in "${projects[@]}"; do
  name="$(basename "$proj" .csproj)"; rc=0
  echo "=== $name"
  dotnet test "$proj" --no-build -c Debug --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" "$@" || rc=$?
  runs+=("$name:$rc")
done
# the browser tests once more with the app on PostgreSQL (each server on a database of its own): there a request's
# queries really run asynchronously, which SQLite never shows
for proj in "${projects[@]}"; do
  [[ "$proj" == *EndToEnd* ]] || continue
  name="$(basename "$proj" .csproj).Postgres"; rc=0
  echo "=== $name"
  LEADLINE_E2E_DB=postgres dotnet test "$proj" --no-build -c Debug --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" "$@" || rc=$?
  runs+=("$name:$rc")
done

# --- summary ---------------------------------------------------------------------
# Kinds: every test in *EndToEnd* runs in Chromium; elsewhere a test name containing
# "postgres" / "sqlite" (case-insensitive) says which provider it ran on; the rest
# are unit tests. Only executed (passed+failed) tests count towards "ran".
summary_rc=0
python3 - "$RESULTS" "${runs[@]}" <<'PY' || summary_rc=$?
import sys, os, xml.etree.ElementTree as ET
NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
results_dir, runs = sys.argv[1], [a.rsplit(":", 1) for a in sys.argv[2:]]
passed = failed = skipped = 0
kinds = dict.fromkeys(["sqlite", "postgres", "chromium", "unit"], 0)
failures = []  # (test name, first error line); whole-project problems go first
for project, rc in runs:
    trx = os.path.join(results_dir, project + ".trx")
    if not os.path.exists(trx):  # crashed before writing results: at least one failure
        failed += 1; failures.insert(0, (project, f"no test results (dotnet test exit code {rc})")); continue
    project_failed = 0
    try:
        root = ET.parse(trx).getroot()
    except ET.ParseError as e:
        failed += 1; failures.insert(0, (project, f"unreadable {trx}: {e}")); continue
    for r in root.iter(NS + "UnitTestResult"):
        name, outcome = r.get("testName", "?"), r.get("outcome", "")
        if outcome in ("NotExecuted", "Inconclusive", "Pending"):
            skipped += 1; continue
        lower = name.lower()
        kind = ("chromium" if "EndToEnd" in project else "postgres" if "postgres" in lower
                else "sqlite" if "sqlite" in lower else "unit")
        kinds[kind] += 1
        if outcome == "Passed":
            passed += 1; continue
        failed += 1; project_failed += 1
        msg = r.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
        lines = [l.strip() for l in (msg.text or "").splitlines() if l.strip()] if msg is not None else []
        failures.append((name, (lines[0] if lines else outcome)[:200]))
    if rc != "0" and project_failed == 0:  # e.g. test host crash after some results were written
        failed += 1; failures.insert(0, (project, f"dotnet test exit code {rc} but no failed test in its results"))
print()
print("ran: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
if failures:
    print(f"failures ({len(failures)}):")
    for name, line in failures[:30]:
        print(f"  FAIL {name}\n       {line}")
    if len(failures) > 30: print(f"  ... and {len(failures) - 30} more (see {results_dir}/*.trx)")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(3 if failed else 0)  # 3, not 1: a Python crash (exit 1) must be told apart
PY
case "$summary_rc" in
  0) exit 0 ;;
  3) exit 1 ;;
  *) echo "ERROR: trx summarizer crashed (exit $summary_rc)"; echo "0 passed, 1 failed"; exit 1 ;;
esac
