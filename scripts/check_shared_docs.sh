#!/usr/bin/env bash
# The house rules and the legislation reference the code cites live in docs/, copied from ../shared where their
# updates come from. `make docs` refreshes the copies; this check (run by `make lint`) fails when they differ.
set -euo pipefail
SHARED="${SHARED_DOCS:-../shared}"
FILES=(ARCHITECTURE.md STYLE.md STACK.md pension-rules.md)
if [ ! -d "$SHARED" ]; then
  echo "docs: $SHARED is not here; the copies in docs/ are taken as they are."
  exit 0
fi
status=0
for name in "${FILES[@]}"; do
  if [ -f "$SHARED/$name" ] && ! cmp -s "$SHARED/$name" "docs/$name"; then
    echo "docs/$name differs from $SHARED/$name: run 'make docs' and commit the copy." >&2
    status=1
  fi
done
exit $status
