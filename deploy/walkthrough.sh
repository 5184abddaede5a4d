#!/usr/bin/env bash
# The README's walk-through, shown there verbatim from the line "B=…" on (a test compares the two), and run
# by .ci/run against a freshly started instance: every call names the status it expects, and the first
# other status stops the walk. Needs curl and jq. B and DATA may be given to run it elsewhere.
set -euo pipefail

B=${B:-http://127.0.0.1:5080}
ADMIN=$(cat "${DATA:-src/Aggregator.Api/.aggregator}/bootstrap-admin-key")
ANSWER=$(mktemp)

# call STATUS METHOD PATH [curl options…]: prints the answer's body, and fails unless its status is STATUS.
call() {
  local expected=$1 method=$2 path=$3 status
  shift 3
  : > "$ANSWER"   # a 304 has no body: print nothing, not the previous answer
  status=$(curl -s -o "$ANSWER" -w '%{http_code}' -X "$method" "$B$path" "$@")
  cat "$ANSWER"; echo
  [ "$status" = "$expected" ] || { echo "$method $path: expected $expected, got $status" >&2; return 1; }
}

# computed PATH KEY: waits until the background jobs have computed the figures at PATH, with nothing stale.
computed() {
  for _ in $(seq 60); do
    [ "$(curl -s "$B$1" -H "X-Api-Key: $2" | jq -r '.stale' 2>/dev/null)" = false ] && return 0
    sleep 0.5
  done
  echo "$1: not computed within 30 s" >&2; return 1
}

# finished JOB KEY: waits until the background job is done, and prints it (with its result).
finished() {
  for _ in $(seq 60); do
    case "$(curl -s "$B/api/v1/jobs/$1" -H "X-Api-Key: $2" | jq -r '.state')" in
      Succeeded) curl -s "$B/api/v1/jobs/$1" -H "X-Api-Key: $2"; echo; return 0 ;;
      Failed|Deleted) echo "job $1 did not succeed" >&2; return 1 ;;
    esac
    sleep 0.5
  done
  echo "job $1: not finished within 30 s" >&2; return 1
}

# A tenant (the district; its calendar is Asia/Shanghai unless "timeZone" says otherwise), whose root org
# unit carries the same code, and a sub-district below the root.
call 201 POST /api/v1/tenants -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"code":"110102","name":"西城区","kind":"district"}'
call 201 POST /api/v1/tenants/110102/org-units -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"code":"110102003","name":"陶然亭街道","kind":"sub-district","parent":"110102"}'

# A reporter key for the sub-district and a viewer key for the district office. A key is shown this once only.
REPORTER=$(call 201 POST /api/v1/tenants/110102/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110102003","role":"reporter","name":"陶然亭街道 reporting system"}' | jq -r .key)
VIEWER=$(call 201 POST /api/v1/tenants/110102/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110102","role":"viewer","name":"西城区 dashboard"}' | jq -r .key)
echo "export REPORTER=$REPORTER VIEWER=$VIEWER"   # keep them: the examples further down use them

# What the reporter's key can see, the templates it reports in, and a check of figures that stores nothing.
call 200 GET /api/v1/tenants/110102/org-units -H "X-Api-Key: $REPORTER"
call 200 GET /api/v1/templates -H "X-Api-Key: $REPORTER"
call 200 POST /api/v1/templates/bj-gip-2017/validate -H "X-Api-Key: $REPORTER" -H 'Content-Type: application/json' \
     -d '{"values":{"3.1":3,"3.1.1":0,"3.1.2":0,"3.1.3":2,"3.1.4":1}}'

# Last year's report (null = an empty cell), then this year's. Idempotency-Key makes a retry safe: the
# retry answers the first answer again and stores nothing.
call 201 POST /api/v1/tenants/110102/org-units/110102003/reports/2016/versions -H "X-Api-Key: $REPORTER" \
     -H 'Content-Type: application/json' \
     -d '{"template":"bj-gip-2017","values":{"1.1":812,"3.1":2,"3.1.1":0,"3.1.2":0,"3.1.3":1,"3.1.4":1,"7":null}}'
for attempt in first retry; do
  call 201 POST /api/v1/tenants/110102/org-units/110102003/reports/2017/versions -H "X-Api-Key: $REPORTER" \
       -H 'Content-Type: application/json' -H 'Idempotency-Key: 2017-first-submission' \
       -d '{"template":"bj-gip-2017","values":{"1.1":975,"3.1":3,"3.1.1":0,"3.1.2":0,"3.1.3":2,"3.1.4":1,"7":null}}'
done

# Or the annual report as published (.txt or .docx): its statistics table is read and mapped. A .txt may be
# UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030/GBK (Notepad's "ANSI" on a Chinese Windows); the answer's
# `encoding` says which was read. A document that names its year (title "…2017年…年度报告", table header
# "（2017年度）"; the header wins if they differ, with a warning) is refused in another year: 422 `year-mismatch`
# with `documentYear` and `year`. A file without any text is 422 `empty-document`. A dry run only shows what would
# be stored (another year's document gets the same 422); the import itself stores its figures as version 2.
# The prose is checked against the table: a number it states about an indicator ("共主动公开政府信息975条",
# "占总数的67%") that the table contradicts is a `narrative-mismatch` warning naming the sentence, the indicator, the
# number stated and the table's (a share only when more than 1 point off), stored with the version and shown in the
# quality flags. The seed's own prose answers 3 applications where its table answered 2 (3.3). The phrases are data in
# each template (`narrative` in db/templates/*.json: `{n}` the number, `{p}` a share, `[…]` optional words).
call 200 POST "/api/v1/tenants/110102/org-units/110102003/reports/2017/import?dryRun=true" -H "X-Api-Key: $REPORTER" \
     -F file=@tests/fixtures/taoranting-2017-gip-annual-report.txt
call 201 POST /api/v1/tenants/110102/org-units/110102003/reports/2017/import -H "X-Api-Key: $REPORTER" \
     -F file=@tests/fixtures/taoranting-2017-gip-annual-report.txt

# The current report, and its history: every version, who sent it and when.
call 200 GET /api/v1/tenants/110102/org-units/110102003/reports/2017 -H "X-Api-Key: $REPORTER"
call 200 GET /api/v1/tenants/110102/org-units/110102003/reports/2017/versions -H "X-Api-Key: $REPORTER"

# As the district: the rollup, the comparison with 2016 and the series, once the background jobs have
# computed them (within a second or so).
computed "/api/v1/tenants/110102/org-units/110102/comparisons/2017?base=2016" "$VIEWER"
call 200 GET /api/v1/tenants/110102/org-units/110102/rollups/2017 -H "X-Api-Key: $VIEWER"
call 200 GET "/api/v1/tenants/110102/org-units/110102/comparisons/2017?base=2016" -H "X-Api-Key: $VIEWER"
call 200 GET "/api/v1/tenants/110102/org-units/110102/series?indicator=3.1&from=2015&to=2017" -H "X-Api-Key: $VIEWER"

# For a dashboard: several indicators by sub-district in one call, as JSON or CSV, and a poll that costs no
# transfer while the figures stand (every read of figures has an ETag; If-None-Match answers 304).
call 200 GET "/api/v1/tenants/110102/org-units/110102/table/2017?indicators=1.1,3.1,4.1" -H "X-Api-Key: $VIEWER"
call 200 GET "/api/v1/tenants/110102/org-units/110102/table/2017?indicators=1.1,3.1,4.1" -H "X-Api-Key: $VIEWER" -H 'Accept: text/csv'
TAG=$(curl -s -o /dev/null -w '%header{etag}' "$B/api/v1/tenants/110102/org-units/110102/series?indicators=1.1,3.1" -H "X-Api-Key: $VIEWER")
call 304 GET "/api/v1/tenants/110102/org-units/110102/series?indicators=1.1,3.1" -H "X-Api-Key: $VIEWER" -H "If-None-Match: $TAG"

# What to check first: swings against 2016, outliers among the units, the warnings stored with the reports.
call 200 GET /api/v1/tenants/110102/org-units/110102/quality/2017 -H "X-Api-Key: $VIEWER"

# The district office's year. With review required a new version waits for a reviewer, who accepts it (it
# counts from then on and the year is locked until reopened) or returns it with a comment.
REVIEWER=$(call 201 POST /api/v1/tenants/110102/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110102","role":"reviewer","name":"西城区 政务公开办"}' | jq -r .key)
echo "export REVIEWER=$REVIEWER"
call 200 PUT /api/v1/tenants/110102/settings -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"review":"required"}'
# A correction names only what it changes (a PATCH: every other figure is kept), against the version read (If-Match).
ETAG=$(curl -s -o /dev/null -w '%header{etag}' "$B/api/v1/tenants/110102/org-units/110102003/reports/2017" -H "X-Api-Key: $REPORTER")
call 201 PATCH /api/v1/tenants/110102/org-units/110102003/reports/2017 -H "X-Api-Key: $REPORTER" -H "If-Match: $ETAG" \
     -H 'Content-Type: application/merge-patch+json' -d '{"values":{"1.1":976},"note":"1.1 corrected"}'
call 200 POST /api/v1/tenants/110102/org-units/110102003/reports/2017/versions/3/accept -H "X-Api-Key: $REVIEWER" \
     -H 'Content-Type: application/json' -d '{"comment":"核对无误"}'

# Past years in: a CSV of org,year,template,indicator,value[,reportedAt] (UTF-8, as Excel exports it), grouped
# into one report per unit and year, each checked as a POST is; the job's result is the import summary. A
# second run of the same file stores nothing.
# The district's own tenant-admin loads them: the platform admin mints a tenant's first keys, it loads no reports.
DISTRICT=$(call 201 POST /api/v1/tenants/110102/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110102","role":"tenant-admin","name":"西城区 政务公开办 admin"}' | jq -r .key)
IMPORT=$(call 202 POST /api/v1/tenants/110102/imports -H "X-Api-Key: $DISTRICT" \
     -F file=@tests/fixtures/xicheng-past-years.csv | jq -r .jobId)
finished "$IMPORT" "$DISTRICT"

# When 2017 was due (by default the end of 31 January 2018 in the tenant's time zone), who reported on time,
# late, awaits review or is missing; the official table as .xlsx or .csv; and who did what, newest first.
call 200 GET /api/v1/tenants/110102/deadlines/2017 -H "X-Api-Key: $VIEWER"
call 200 GET /api/v1/tenants/110102/org-units/110102/completeness/2017 -H "X-Api-Key: $VIEWER"
computed /api/v1/tenants/110102/org-units/110102/rollups/2017 "$VIEWER"
call 200 GET /api/v1/tenants/110102/org-units/110102/rollups/2017.csv -H "X-Api-Key: $VIEWER"
curl -sf -o "${TMPDIR:-/tmp}/110102-2017.xlsx" "$B/api/v1/tenants/110102/org-units/110102/rollups/2017.xlsx" \
     -H "X-Api-Key: $VIEWER" && echo "saved ${TMPDIR:-/tmp}/110102-2017.xlsx"
# The draft 2017 年度报告 as Word, written from the same figures (see "The draft annual report").
curl -sf -o "${TMPDIR:-/tmp}/110102-2017.docx" "$B/api/v1/tenants/110102/org-units/110102/annual-report/2017.docx" \
     -H "X-Api-Key: $VIEWER" && echo "saved ${TMPDIR:-/tmp}/110102-2017.docx"
call 200 GET "/api/v1/tenants/110102/audit?unit=110102003&year=2017&limit=5" -H "X-Api-Key: $REVIEWER"

# From district to city (逐级上报): the city is a tenant of its own whose org units are its districts, reviewed like
# any unit. The district holds a reporter key of its unit there and hands its accepted consolidated year up through
# this same API (url null: this deployment; another deployment's https address works the same way).
call 201 POST /api/v1/tenants -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"code":"110100","name":"北京市","kind":"city"}'
call 201 POST /api/v1/tenants/110100/org-units -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"code":"110102","name":"西城区","kind":"district","parent":"110100"}'
UPSTREAM=$(call 201 POST /api/v1/tenants/110100/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110102","role":"reporter","name":"西城区 逐级上报"}' | jq -r .key)
CITY=$(call 201 POST /api/v1/tenants/110100/api-keys -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
     -d '{"orgUnit":"110100","role":"reviewer","name":"北京市 政务公开办"}' | jq -r .key)
call 200 PUT /api/v1/tenants/110100/settings -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' -d '{"review":"required"}'
# The link is checked with one call upstream; the key is kept encrypted and shown by its prefix only.
call 200 PUT /api/v1/tenants/110102/upstream -H "X-Api-Key: $DISTRICT" -H 'Content-Type: application/json' \
     -d "{\"url\":null,\"tenant\":\"110100\",\"orgUnit\":\"110102\",\"key\":\"$UPSTREAM\"}"
# 2017 handed up: a job posts the district's accepted sums (409 while a rollup is pending or a unit is missing).
computed /api/v1/tenants/110102/org-units/110102/rollups/2017 "$VIEWER"
HANDUP=$(call 202 POST /api/v1/tenants/110102/upstream/2017/submissions -H "X-Api-Key: $REVIEWER" \
     -H 'Content-Type: application/json' -d '{}' | jq -r .jobId)
finished "$HANDUP" "$REVIEWER"
# The city returns it with a comment; the district reads the return (and finds it in its audit).
call 200 POST /api/v1/tenants/110100/org-units/110102/reports/2017/versions/1/return -H "X-Api-Key: $CITY" \
     -H 'Content-Type: application/json' -d '{"comment":"1.1 请与街道核实"}'
call 200 GET /api/v1/tenants/110102/upstream/2017 -H "X-Api-Key: $VIEWER"
# The sub-district corrects 1.1 (the district reopens the year and accepts it), and the district hands 2017 up again.
call 200 POST /api/v1/tenants/110102/org-units/110102003/reports/2017/reopen -H "X-Api-Key: $REVIEWER" \
     -H 'Content-Type: application/json' -d '{"comment":"市里退回"}'
call 201 PATCH /api/v1/tenants/110102/org-units/110102003/reports/2017 -H "X-Api-Key: $REPORTER" -H 'If-Match: *' \
     -H 'Content-Type: application/merge-patch+json' -d '{"values":{"1.1":975},"note":"1.1 按市里意见核实更正"}'
call 200 POST /api/v1/tenants/110102/org-units/110102003/reports/2017/versions/4/accept -H "X-Api-Key: $REVIEWER" \
     -H 'Content-Type: application/json' -d '{"comment":"核对无误"}'
computed /api/v1/tenants/110102/org-units/110102/rollups/2017 "$VIEWER"
HANDUP=$(call 202 POST /api/v1/tenants/110102/upstream/2017/submissions -H "X-Api-Key: $REVIEWER" \
     -H 'Content-Type: application/json' -d '{}' | jq -r .jobId)
finished "$HANDUP" "$REVIEWER"
# The city accepts it; its rollup is then the district's figures.
call 200 POST /api/v1/tenants/110100/org-units/110102/reports/2017/versions/2/accept -H "X-Api-Key: $CITY" \
     -H 'Content-Type: application/json' -d '{"comment":"核对无误"}'
call 200 GET /api/v1/tenants/110102/upstream/2017 -H "X-Api-Key: $VIEWER"
computed /api/v1/tenants/110100/org-units/110100/rollups/2017 "$CITY"
[ "$(curl -s "$B/api/v1/tenants/110100/org-units/110100/rollups/2017" -H "X-Api-Key: $CITY" | jq -S '.values | map_values(.value)')" = \
  "$(curl -s "$B/api/v1/tenants/110102/org-units/110102/rollups/2017" -H "X-Api-Key: $VIEWER" | jq -S '.values | map_values(.value)')" ] \
  && echo "the city's 2017 rollup equals the district's" || { echo "the city's 2017 rollup differs from the district's" >&2; false; }

# Publishing the year (公开发布): the district's tenant-admin publishes 2017's accepted consolidated figures as an
# immutable edition (201, edition 1); the same figures again are the same edition (200). Anyone reads it without a
# key: the editions, the year as JSON, .csv or .xlsx (cacheable, with an ETag); a year not published is 404. The page
# /public/?t=110102 shows the same.
call 201 POST /api/v1/tenants/110102/publications -H "X-Api-Key: $DISTRICT" -H 'Content-Type: application/json' \
     -d '{"year":2017,"orgUnit":"110102"}'
call 200 POST /api/v1/tenants/110102/publications -H "X-Api-Key: $DISTRICT" -H 'Content-Type: application/json' \
     -d '{"year":2017,"orgUnit":"110102"}'
call 200 GET /public/v1/110102
call 200 GET /public/v1/110102/2017
call 200 GET /public/v1/110102/2017.csv
curl -sf -o "${TMPDIR:-/tmp}/110102-2017-edition1.xlsx" "$B/public/v1/110102/2017.xlsx" \
  && echo "saved ${TMPDIR:-/tmp}/110102-2017-edition1.xlsx"
curl -sf -o "${TMPDIR:-/tmp}/110102-2017-edition1.docx" "$B/public/v1/110102/2017.docx" \
  && echo "saved ${TMPDIR:-/tmp}/110102-2017-edition1.docx (the annual report as published)"
ETAG=$(curl -s -o /dev/null -w '%header{etag}' "$B/public/v1/110102/2017")
call 304 GET /public/v1/110102/2017 -H "If-None-Match: $ETAG"
call 404 GET /public/v1/110102/2016
