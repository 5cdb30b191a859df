#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every source file of overt names its licence in its first lines.
#
#   scripts/spdx.sh          adds "SPDX-License-Identifier: MIT" where it is missing
#   scripts/spdx.sh --check  lists the files without it and exits 1 if there is any (a test runs this)
#
# Files in formats without comments (JSON, Markdown) and files from other projects
# (tests/peers/dd-logs-openapi.yaml, npm packages, fuzz corpora) are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly tag="SPDX-License-Identifier: MIT"

source_files() {
  find . \( -path ./build -o -path './build-*' -o -path ./.git -o -name node_modules -o -path ./fuzz/corpus \) -prune -o \
    -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' -o -name '*.in' -o -name '*.cmake' \
    -o -name CMakeLists.txt -o -name '*.sh' -o -name '*.py' -o -name '*.jq' -o -name '*.yaml' -o -name Makefile \
    -o -path ./.ci/run \) -print |
    grep -v -x './tests/peers/dd-logs-openapi.yaml' | sort
}

comment_for() {
  case "$1" in
    *.cpp | *.hpp | *.h | *.c | *.cpp.in | *.hpp.in) echo "// ${tag}" ;;
    *) echo "# ${tag}" ;;
  esac
}

missing=()
while IFS= read -r file; do
  head -n 3 "${file}" | grep -q "${tag}" || missing+=("${file#./}")
done < <(source_files)

if [ "${1:-}" = "--check" ]; then
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "spdx: ${#missing[@]} file(s) without '${tag}' in their first 3 lines (scripts/spdx.sh adds it):" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
  echo "spdx: every source file carries '${tag}'"
  exit 0
fi

for file in "${missing[@]}"; do
  line=$(comment_for "${file}")
  if head -n 1 "${file}" | grep -q '^#!'; then
    # after the shebang, which must stay first
    { head -n 1 "${file}"; echo "${line}"; tail -n +2 "${file}"; } > "${file}.spdx"
  else
    { echo "${line}"; cat "${file}"; } > "${file}.spdx"
  fi
  chmod --reference="${file}" "${file}.spdx"
  mv "${file}.spdx" "${file}"
  echo "spdx: ${file}"
done
