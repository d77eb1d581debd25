#!/usr/bin/env bash
# Register a new version of MODEL with its AUC, as one transaction on the git remote (--push),
# and print the version number the remote gave it. No Python and no jq needed.
#
#   usage: scripts/register.sh MODEL AUC      -> e.g. 7
# Exit codes are zenml's: 8 means the remote could not be reached, refused the push, or kept
# moving for git.retries attempts (many runners registering at once is fine: each re-plans).
set -euo pipefail

model="${1:?usage: register.sh MODEL AUC}"
auc="${2:?usage: register.sh MODEL AUC}"
run="${GITHUB_RUN_ID:-${CI_PIPELINE_ID:-local}}"

if ! zenml model describe "$model" -o json >/dev/null 2>&1; then
  # Two first runs may race here; the loser's register exits 4 and the version step still works.
  zenml model register "$model" --description "Registered by CI" --push -o json >/dev/null || true
fi

created=$(zenml model version create "$model" --metadata "auc=$auc" --metadata "ci_run=\"$run\"" \
  --description "trained at ${GITHUB_SHA:-${CI_COMMIT_SHA:-a local run}}" --push -o json)
number=$(printf '%s' "$created" | tr -d '\n' | sed -n 's/.*"number": *\([0-9][0-9]*\).*/\1/p')
[ -n "$number" ] || { echo "register.sh: no version number in: $created" >&2; exit 1; }
echo "$number"
