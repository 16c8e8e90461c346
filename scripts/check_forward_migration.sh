#!/usr/bin/env bash
# A database of the last release, seeded with the demo, migrates forward intact.
#
# Usage: scripts/check_forward_migration.sh [commit]   (default: .ci/release-base)
# The release's own code migrates and seeds a scratch PostgreSQL database; this
# tree's migrations then run on it, and every table the release had must hold
# exactly the rows it held before (compared by an MD5 of each table's rows, over
# the release's own columns: columns added since may be filled in).
# Content types may only change their app label, and only for moved models.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-$(cat .ci/release-base)}"
export PGOPTIONS="-c client_min_messages=warning"
db="cc_forward_check"
url="postgres://postgres@127.0.0.1:5432/${db}"
work="$(mktemp -d)"
trap 'rm -rf "$work"; psql -qh 127.0.0.1 -U postgres -c "drop database if exists ${db}" >/dev/null 2>&1 || true' EXIT

psql -qh 127.0.0.1 -U postgres -c "drop database if exists ${db}" -c "create database ${db}" >/dev/null
git archive "$base" | tar -x -C "$work"
ln -s "$PWD/.venv" "$work/.venv"
(cd "$work" && DATABASE_URL="$url" .venv/bin/python manage.py migrate --no-input -v0 \
  && DATABASE_URL="$url" .venv/bin/python manage.py seed_demo >/dev/null)

snapshot() {
  # One line per table of the release: name, row count, MD5 of its rows in a stable
  # order. Only the release's own columns count: columns added since may fill in.
  psql -qAtX -h 127.0.0.1 -U postgres -d "$db" <<'SQL'
CREATE TABLE IF NOT EXISTS release_columns AS
  SELECT table_name::text AS name,
         string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS cols
  FROM information_schema.columns WHERE table_schema = 'public'
  AND table_name NOT IN ('django_migrations', 'django_content_type', 'auth_permission')
  GROUP BY table_name;
DO $$
DECLARE t text; c text; n bigint; h text;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS snap(name text, rows bigint, digest text);
  FOR t, c IN SELECT r.name, r.cols FROM release_columns r
           JOIN pg_tables p ON p.tablename = r.name AND p.schemaname = 'public' LOOP
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM (SELECT %s FROM %I) x', c, t) INTO n, h;
    INSERT INTO snap VALUES (t, n, h);
  END LOOP;
END $$;
SELECT name || ' ' || rows || ' ' || digest FROM snap ORDER BY name;
SQL
}
content_types() {
  psql -qAtX -h 127.0.0.1 -U postgres -d "$db" -c "select id, app_label, model from django_content_type order by id"
}

snapshot > "$work/before.txt"
content_types > "$work/types-before.txt"
DATABASE_URL="$url" .venv/bin/python manage.py migrate --no-input -v0
snapshot > "$work/after.txt"
content_types > "$work/types-after.txt"

status=0
# Every table of the release is still there with the same rows (new tables may appear).
while read -r line; do
  if ! grep -qxF "$line" "$work/after.txt"; then
    echo "forward migration changed or lost: ${line%% *}" >&2
    status=1
  fi
done < "$work/before.txt"
# Content types keep their ids; only the moved models (to plans, accounts) change app label.
.venv/bin/python - "$work/types-before.txt" "$work/types-after.txt" <<'PY' || status=1
import sys

# Models that moved app since the release: (old app, model) -> new app.
moved = {("coaching", m): "plans" for m in (
    "appraisalcycle", "performanceplan", "objective", "phasetarget", "checkin", "objectivechange",
)}
moved[("reviews", "sentreminder")] = "accounts"
before = dict((int(i), (a, m)) for i, a, m in (line.split("|") for line in open(sys.argv[1]).read().split()))
after = dict((int(i), (a, m)) for i, a, m in (line.split("|") for line in open(sys.argv[2]).read().split()))
bad = False
for pk, (app, model) in before.items():
    expected = (moved.get((app, model), app), model)
    if after.get(pk) != expected:
        print(f"content type {pk} {app}.{model} became {after.get(pk)}, expected {expected}", file=sys.stderr)
        bad = True
sys.exit(1 if bad else 0)
PY
if [ "$status" = 0 ]; then
  echo "forward migration from ${base:0:10}: $(wc -l < "$work/before.txt") tables intact"
fi
exit "$status"
