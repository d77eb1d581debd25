#!/usr/bin/env bash
# What a CI job runs after training: register a new version of MODEL, read its number from the
# JSON output, and promote it to STAGE. Any failing step stops the job with that step's exit
# code (3 not found, 4 conflict/policy, 5 invalid input, 6 corrupt store, 7 lock timeout).
#
#   usage: examples/promote_in_ci.sh MODEL [STAGE]      (STAGE defaults to staging)
set -euo pipefail

model="${1:?usage: promote_in_ci.sh MODEL [STAGE]}"
stage="${2:-staging}"
step="start"
trap 'code=$?; [ "$code" -ne 0 ] && echo "promote_in_ci: step \"$step\" failed with exit code $code" >&2' EXIT

step="check store"
zenml doctor >/dev/null

step="register model"
if ! zenml model describe "$model" -o json >/dev/null 2>&1; then
  zenml model register "$model" --description "Registered by CI" -o json >/dev/null
fi

step="register version"
created=$(zenml model version create "$model" \
  --description "built from ${GITHUB_SHA:-a local run}" -o json)
number=$(printf '%s' "$created" | python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])')
echo "registered $model version $number" >&2

step="promote to $stage"
zenml model version update "$model" "$number" --stage "$stage" \
  --message "promoted by CI run ${GITHUB_RUN_ID:-local}" -o json >/dev/null

echo "$number"
