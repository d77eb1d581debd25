#!/usr/bin/env bash
# Deploy whatever version of MODEL holds production now. Idempotent: running it twice for the
# same holder deploys the same thing. Replace the echo with your real rollout.
#
#   usage: scripts/deploy.sh MODEL
set -euo pipefail

model="${1:?usage: deploy.sh MODEL}"
described=$(zenml model version describe "$model" production -o json | tr -d '\n')
number=$(printf '%s' "$described" | sed -n 's/.*"number": *\([0-9][0-9]*\).*/\1/p')
[ -n "$number" ] || { echo "deploy.sh: $model has no production version" >&2; exit 3; }
echo "deploying $model version $number" >&2
# e.g.: zenml model version artifacts "$model" "$number" ... | your-deploy-tool
