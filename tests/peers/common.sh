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
