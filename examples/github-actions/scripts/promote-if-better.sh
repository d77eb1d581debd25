#!/usr/bin/env bash
# Promote version N of MODEL to production only if its AUC beats the current holder's. The
# gate is checked against the remote's tip on every push attempt, so two runners can never
# both "win" with stale comparisons.
#
#   usage: scripts/promote-if-better.sh MODEL N
# Exit 0 when promoted or when the gate kept the current holder; any other failure keeps
# zenml's code (5: the version has no auc, 8: the remote failed).
set -uo pipefail

model="${1:?usage: promote-if-better.sh MODEL N}"
number="${2:?usage: promote-if-better.sh MODEL N}"

zenml model version update "$model" "$number" --stage production --if-better auc \
  --message "gate: auc higher than production" --push
code=$?
if [ "$code" -eq 4 ]; then
  echo "version $number of $model did not beat production; production unchanged" >&2
  exit 0
fi
exit "$code"
