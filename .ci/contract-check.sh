#!/usr/bin/env bash
# The contract, checked by third-party tools (.ci/run runs this after the tests):
#   lint   Spectral's spectral:oas rules (openapi/.spectral.yaml) and Redocly's recommended rules
#          (openapi/redocly.yaml) over openapi/aggregator.v1.json: any error or warning fails.
#   prism  The contract test's traffic through a Prism proxy in front of its API: Prism validates every answer
#          against the document and logs each violation; any response violation fails.
# No argument runs both. The tools are the versions pinned in .ci/contract/package-lock.json (npm ci). The prism
# step needs the test project built (dotnet build tests/Aggregator.Api.Tests). Exit status 0 only when all is clean.
set -uo pipefail
cd "$(dirname "$0")/.."

tools=.ci/contract
bin="$tools/node_modules/.bin"
document=${CONTRACT_DOCUMENT:-openapi/aggregator.v1.json}
if [ $# -eq 0 ]; then steps=(lint prism); else steps=("$@"); fi
failed=0
# Redocly asks the network for updates and sends usage data unless told not to.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

install_tools() {
  command -v npm >/dev/null 2>&1 || { echo "contract check: npm is missing (Node.js 20 or later is needed)"; return 1; }
  # Reinstalled only when the lock changed since the last install.
  if ! cmp -s "$tools/package-lock.json" "$tools/node_modules/.package-lock.copy" 2>/dev/null; then
    echo "Installing the contract tools (npm ci in $tools)…"
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error >/dev/null \
      || { echo "contract check: npm ci in $tools failed"; return 1; }
    cp "$tools/package-lock.json" "$tools/node_modules/.package-lock.copy"
  fi
}

lint() {
  local out status=0
  if out=$("$bin/spectral" lint --fail-severity=hint --ruleset openapi/.spectral.yaml "$document" 2>&1) \
     && grep -q "No results" <<<"$out"; then
    echo "Spectral (spectral:oas): no error, no warning"
  else
    echo "Spectral (spectral:oas) FAILED on $document:"; echo "$out"; status=1
  fi
  # Redocly exits 0 on warnings: its summary line says whether there were any.
  out=$("$bin/redocly" lint --config openapi/redocly.yaml --format=stylish "$document" 2>&1)
  if [ $? -eq 0 ] && grep -q "Your API description is valid" <<<"$out" && ! grep -qi "warning" <<<"$(grep -v 'Node.js' <<<"$out")"; then
    echo "Redocly (recommended): no error, no warning"
  else
    echo "Redocly (recommended) FAILED on $document:"; grep -v '[║╔╚]' <<<"$out"; status=1
  fi
  return $status
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Prism runs without --errors: with it, Prism answers every request that breaks the document itself (401 without
# a key, 422 for a malformed body or path) instead of forwarding it, and the contract test sends such requests on
# purpose to provoke the API's own 400, 401, 413, 415… Without it Prism forwards everything and still validates
# every answer, logging "Violation: response…" for each one that breaks the document: those fail this step. (Its
# "Violation: request…" lines are the deliberately malformed requests.)
prism() {
  local api_port proxy_port log results pid status=0 forwarded violations
  api_port=$(free_port) && proxy_port=$(free_port) || { echo "Prism run: no free port"; return 1; }
  log=$(mktemp); results=$(mktemp -d)
  setsid "$bin/prism" proxy "$document" "http://127.0.0.1:$api_port" --host 127.0.0.1 --port "$proxy_port" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do
    grep -q "Prism is listening" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! grep -q "Prism is listening" "$log"; then
    echo "Prism run FAILED: the proxy did not start:"; tail -n 30 "$log"
    kill -TERM -- "-$pid" 2>/dev/null; rm -rf "$log" "$results"; return 1
  fi
  # The test's own API listens on api_port; its calls go to the proxy (ContractTests, ApiFixture).
  AGGREGATOR_TEST_API_PORT=$api_port AGGREGATOR_CONTRACT_BASE_URL="http://127.0.0.1:$proxy_port" \
    dotnet test tests/Aggregator.Api.Tests --no-build --nologo \
      --filter "FullyQualifiedName~Aggregator.Api.Tests.Contract.ContractTests" \
      --logger "trx" --results-directory "$results" >"$results/test.log" 2>&1
  local tested=$?
  kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null

  forwarded=$(grep -c 'Forwarding' "$log")
  violations=$(grep -c 'Violation: response' "$log")
  if [ "$tested" -ne 0 ]; then
    echo "Prism run FAILED: the contract test failed through the proxy:"; grep -E 'Failed |error|differ' "$results/test.log" | head -n 60
    echo "  the proxy's last lines:"; grep -v '\[CLI\]' "$log" | tail -n 25; status=1
  fi
  if [ "$forwarded" -lt 100 ]; then
    echo "Prism run FAILED: only $forwarded requests went through the proxy"; tail -n 30 "$log"; status=1
  fi
  if [ "$violations" -gt 0 ] || grep -q 'Request terminated with error' "$log"; then
    echo "Prism run FAILED: $violations answers violate $document:"
    # Each violation with the request it belongs to (the lines before it).
    grep -B 5 -E 'Violation: response|Request terminated with error' "$log" | grep -E 'Request received|Violation: response|terminated' | head -n 80
    status=1
  fi
  [ $status -eq 0 ] && echo "Prism proxy: $forwarded requests of the contract test forwarded, every answer conforms to $document"
  rm -rf "$log" "$results"
  return $status
}

install_tools || exit 1
for step in "${steps[@]}"; do
  case "$step" in
    lint) lint || failed=1 ;;
    prism) prism || failed=1 ;;
    *) echo "usage: $0 [lint] [prism]"; exit 2 ;;
  esac
done
exit $failed
