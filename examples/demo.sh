#!/usr/bin/env bash
# A two-minute tour in a throw-away git repository: register a model, register two trained
# versions with their metrics, promote through a gate, see the promotion as a git diff, list,
# and read the audit trail. Everything happens in a temporary folder, removed at the end.
set -euo pipefail
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
cd "$demo"
export ZENML_ACTOR="${ZENML_ACTOR:-demo}"
# step TITLE COMMAND...: say what comes (a blank TITLE continues the last step), show, run.
step() {
  if [ -n "$1" ]; then printf '\n%s\n' "$1" >&2; fi
  printf '$' >&2; printf ' %q' "${@:2}" >&2; printf '\n' >&2
  "${@:2}"
}

git init -q . && git config user.name "$ZENML_ACTOR" && git config user.email demo@example.com
step "1. Register a model (the registry is .zenml/ in this git repository):" \
  zenml model register iris --license MIT -d "Logistic regression on Iris" -t sklearn
step "2. Two training runs each register a version with their evaluation, numbered for you:" \
  zenml model version create iris -M auc=0.91
step "" zenml model version create iris 1.0.5 -d "tuned C" -M auc=0.94
step "3. Ship version 1 and commit the registry like any other file:" \
  zenml model version update iris 1 --stage production
git add -A && git commit -q -m "register iris; ship version 1"
step "4. Stage 1.0.5: the promotion is a one-line diff of model.yaml, to review and commit:" \
  zenml model version update iris 1.0.5 --stage staging
step "" git --no-pager diff --no-color -U0 -- .zenml/models/iris/model.yaml
git commit -q -a -m "stage iris 1.0.5"
step "5. Promote it only if its auc beats production's (version 1 is archived):" \
  zenml model version update iris 1.0.5 --stage production --if-better auc -m "better auc"
step "6. What is where now:" zenml model version list iris
step "7. Who moved what, when, and why:" zenml model version history iris
printf '\nDone; the demo folder %s has been removed.\n' "$demo" >&2
