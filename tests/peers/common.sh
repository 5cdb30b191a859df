# SPDX-License-Identifier: MIT
# Shared by the check_*.sh peer tests: tool lookup that fails loudly, scratch dir, cleanup.
# usage in a check: source common.sh "$@"   ($1 = overt_peer_emit, $2 = scratch dir)
set -euo pipefail
PEERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EMIT=${1:?usage: check_*.sh OVERT_PEER_EMIT WORK_DIR}
WORK=${2:?usage: check_*.sh OVERT_PEER_EMIT WORK_DIR}
rm -rf "$WORK" && mkdir -p "$WORK"
PROTO_ROOT=$PEERS/node_modules/@elastic/mockotlpserver
LOGSVC=opentelemetry/proto/collector/logs/v1/logs_service.proto
REQ=opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest
export PYENV_VERSION=system   # Debian's python3 has python3-protobuf and python3-jsonschema

fail() { echo "FAIL: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || fail "$1 not found (run packaging/install-deps.sh)"; }
need_npm_peers() {
  [ -f "$PROTO_ROOT/$LOGSVC" ] && [ -x "$PEERS/node_modules/.bin/prism" ] ||
    fail "npm peers missing in $PEERS/node_modules (run tests/peers/install.sh)"
}
# The npm-shipped protos are opentelemetry-proto v1.4.0, which predates LogRecord.event_name
# (field 12, added in v1.5.0). A copy in $WORK gets that one field, exactly as v1.5.0 declares
# it, so the strict decoders know it instead of listing it as unknown. PROTO_ROOT then points at
# the copy.
use_protos_with_event_name() {
  mkdir -p "$WORK/proto"
  cp -r "$PROTO_ROOT/opentelemetry" "$WORK/proto/"
  local logs="$WORK/proto/opentelemetry/proto/logs/v1/logs.proto"
  chmod -R u+w "$WORK/proto"
  sed -i 's/^\(\s*\)fixed64 observed_time_unix_nano = 11;/&\n\1string event_name = 12;/' "$logs"
  grep -q 'string event_name = 12;' "$logs" || fail "could not add event_name to $logs"
  PROTO_ROOT=$WORK/proto
}
python_with() {  # python_with MODULE: Debian's python3 must import it
  python3 -c "import $1" 2>/dev/null || fail "python3 cannot import $1 (Debian python3-${1%%.*} missing?)"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  fail "nothing listening on 127.0.0.1:$1"
}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
