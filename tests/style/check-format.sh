#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# House style: every C++ file git tracks is clang-format clean (.clang-format at the root).
# Fails, never skips, when clang-format or git is missing: CI is a git clone with both
# installed (scripts/bootstrap.sh), so a missing tool is a broken set-up, not a reason to pass.
#
#   tests/style/check-format.sh [SOURCE_DIR]     CLANG_FORMAT=clang-format-14 picks the binary
set -euo pipefail

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

src=${1:-$(dirname "$0")/../..}
clang_format=${CLANG_FORMAT:-clang-format}
command -v "$clang_format" >/dev/null || fail "$clang_format is not installed (apt-get install clang-format)"
command -v git >/dev/null || fail "git is not installed"
cd "$src"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || fail "$(pwd) is not a git checkout"

# Tracked and still present (a file deleted in the working tree is not checked).
files=()
while IFS= read -r -d '' f; do
  [ -f "$f" ] && files+=("$f")
done < <(git ls-files -z -- '*.cpp' '*.h')
((${#files[@]})) || fail "git lists no *.cpp or *.h files in $(pwd)"

"$clang_format" --version
if ! "$clang_format" --dry-run -Werror "${files[@]}"; then
  fail "not clang-format clean (above); fix with: git ls-files -z '*.cpp' '*.h' | xargs -0 $clang_format -i"
fi
echo "${#files[@]} files are clang-format clean"
