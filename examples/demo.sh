#!/usr/bin/env bash
# A two-minute tour in a throw-away project: register a model, create versions, promote,
# list, and read the audit trail. Everything happens in a temporary folder, removed at the end.
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

step "1. Register a model (the registry is .zenml/ in this folder):" \
  zenml model register iris --license MIT -d "Logistic regression on Iris" -t sklearn
step "2. Train twice: each run registers a version, numbered for you:" \
  zenml model version create iris
step "" zenml model version create iris 1.0.5 -d "tuned C"
step "3. Ship version 1, then promote the better 1.0.5 (version 1 is archived):" \
  zenml model version update iris 1 --stage production
step "" zenml model version update iris 1.0.5 --stage production -m "better recall"
step "4. What is where now:" zenml model version list iris
step "5. Who moved what, when, and why:" zenml model version history iris
step "6. The promotion is a small YAML diff you can review and commit:" \
  cat .zenml/models/iris/model.yaml
printf '\nDone; the demo folder %s has been removed.\n' "$demo" >&2
