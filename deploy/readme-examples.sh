#!/usr/bin/env bash
# The README's examples, as written there, run after the walk-through (deploy/walkthrough.sh) against the same
# instance: the sh blocks of "Submitting a report from another system" and "Templates, the list of reports,
# differences between versions", and the Python example when python3 has requests. Each block is taken from
# README.md itself (so the two cannot drift), with http://127.0.0.1:5080 replaced by B. A block fails when it
# exits non-zero, prints nothing, or prints a problem (application/problem+json with a 4xx/5xx status).
# Needs B, and REPORTER and VIEWER as the walk-through printed them; .ci/run passes them. Needs curl and jq.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${B:?B must name the instance}" "${REPORTER:?REPORTER must be the walk-through's reporter key}" "${VIEWER:?VIEWER must be the walk-through's viewer key}"
export REPORTER VIEWER

blocks=$(mktemp -d)
trap 'rm -rf "$blocks"' EXIT

# Writes each ```LANG block of the README sections named to its own file, $blocks/N.LANG, indentation removed.
awk -v dir="$blocks" '
  /^## / { in_section = ($0 == "## Submitting a report from another system" || $0 == "## Templates, the list of reports, differences between versions") }
  in_section && /^ *```/ {
    fence = $0; indent = match(fence, /[^ ]/) - 1; sub(/^ */, "", fence)
    if (!open && (fence == "```sh" || fence == "```python")) { open = 1; n++; out = dir "/" n "." substr(fence, 4); cut = indent; next }
    if (open && fence == "```") { open = 0; close(out); next }
  }
  open { print substr($0, cut + 1) > out }
' README.md

ran=0
failed=0
for file in $(ls "$blocks" | sort -n); do
  path="$blocks/$file"
  sed -i "s#http://127.0.0.1:5080#$B#g" "$path"
  case "$file" in
    *.sh) runner=(bash "$path") ;;
    *.python)
      if ! python3 -c 'import requests' 2>/dev/null; then
        echo "README example $file: skipped (python3 with requests is not installed)"; continue
      fi
      runner=(python3 "$path") ;;
  esac
  ran=$((ran + 1))
  output=$("${runner[@]}" 2>&1)
  status=$?
  if [ $status -ne 0 ] || [ -z "$output" ] \
     || jq -e 'objects | select(has("traceId") and (.status // 0) >= 400)' <<<"$output" >/dev/null 2>&1; then
    failed=$((failed + 1))
    echo "README example $file FAILED (exit $status):"; sed 's/^/    /' "$path"; echo "  answered:"; head -c 2000 <<<"$output"; echo
  else
    echo "README example $file: $(head -c 160 <<<"$output" | tr '\n' ' ')"
  fi
done

[ $ran -gt 0 ] || { echo "no README example was found"; exit 1; }
[ $failed -eq 0 ] || { echo "$failed of $ran README examples failed"; exit 1; }
echo "README examples: all $ran ran as written"
