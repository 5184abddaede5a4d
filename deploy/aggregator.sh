#!/bin/bash
# The image's entrypoint (/app/aggregator): which program this container runs.
#   aggregator api [args…]      the API (the default command)
#   aggregator worker [args…]   the Hangfire worker
#   aggregator migrate          applies the schema as ConnectionStrings:AggregatorOwner, then exits
#   aggregator probe PATH       exits 0 when this container's program answers 200 at PATH (compose healthchecks:
#                               the image has neither curl nor wget)
# Each program runs in its own folder, beside its appsettings.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command="${1:-api}"
[ $# -gt 0 ] && shift

case "$command" in
  api)     cd "$here/api";    exec dotnet Aggregator.Api.dll "$@" ;;
  worker)  cd "$here/worker"; exec dotnet Aggregator.Worker.dll "$@" ;;
  migrate) cd "$here/api";    exec dotnet Aggregator.Api.dll migrate "$@" ;;
  probe)
    port="${ASPNETCORE_HTTP_PORTS:-8080}"
    port="${port%%[,;]*}"
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "${1:?probe needs a path}" >&3
    IFS= read -r -t 5 status <&3
    [[ "$status" == "HTTP/1.1 200 "* ]] ;;
  *)
    echo "usage: aggregator [api|worker|migrate|probe PATH] [arguments…]" >&2
    exit 2 ;;
esac
