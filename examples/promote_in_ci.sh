#!/usr/bin/env bash
# What a CI job runs after training: register a new version of MODEL with the metrics in
# METRICS (a JSON or YAML file), then promote it to STAGE only if its KEY beats the version
# there now (the gate; checked under the model's lock, so parallel jobs cannot both win).
# No jq, no Python: the registry reads the metrics and compares them itself.
#
#   usage: examples/promote_in_ci.sh MODEL METRICS [STAGE] [KEY[:higher|:lower]]
#          (STAGE defaults to production, KEY to auc:higher)
#
# stdout: "promoted N" or "kept M (N not better)"; both exit 0. Any failing step stops the job
# with that step's exit code (3 not found, 4 refused by a policy, 5 invalid input, e.g.
# METRICS without KEY, 6 corrupt store, 7 lock timeout). Add --push to the writes to share one registry across
# runners through the git remote; the gate is then checked again on every attempt.
set -euo pipefail

model="${1:?usage: promote_in_ci.sh MODEL METRICS [STAGE] [KEY[:higher|:lower]]}"
metrics="${2:?usage: promote_in_ci.sh MODEL METRICS [STAGE] [KEY[:higher|:lower]]}"
stage="${3:-production}"
gate="${4:-auc}"
step="start"
trap 'code=$?; [ "$code" -ne 0 ] && echo "promote_in_ci: step \"$step\" failed with exit code $code" >&2' EXIT

step="check store"
zenml doctor >/dev/null

step="register model"
if ! zenml model describe "$model" -o json >/dev/null 2>&1; then
  zenml model register "$model" --description "Registered by CI" -o json >/dev/null
fi

step="register version"
created=$(zenml model version create "$model" --metadata-file "$metrics" \
  -M "commit=${GITHUB_SHA:-local}" --description "built from ${GITHUB_SHA:-a local run}" \
  -o yaml)
number=$(printf '%s\n' "$created" | sed -n 's/^number: //p')
echo "registered $model version $number" >&2

step="gate on $gate into $stage"
code=0
result=$(zenml model version update "$model" "$number" --stage "$stage" --if-better "$gate" \
  --message "promoted by CI run ${GITHUB_RUN_ID:-local}" -o json) || code=$?
case "$code" in
  0) echo "promoted $number" ;;
  # Exit 4 is a refusal; its JSON says by what. Only the gate keeping a better holder is a
  # normal outcome: a policy (e.g. production_requires_staging) fails the job with 4.
  4) if printf '%s' "$result" | grep -q '"refused": *"gate"'; then
       held=$(printf '%s' "$result" | sed -n 's/.*"holder": *\([0-9][0-9]*\).*/\1/p')
       echo "kept $held ($number not better)"
     else
       exit 4
     fi ;;
  *) exit "$code" ;;
esac
