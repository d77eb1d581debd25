#!/usr/bin/env bash
# A two-minute tour in a throw-away project: register a model, create versions, promote,
# list, and read the audit trail. Nothing is written outside a temporary folder.
set -euo pipefail
cd "$(mktemp -d)"
echo "demo project: $PWD" >&2
set -x
zenml model register iris_logistic_regression --license=MIT \
  --description="Logistic regression model trained on the Iris dataset." --tag regression --tag sklearn
zenml model version create iris_logistic_regression
zenml model version create iris_logistic_regression 1.0.5 -d "tuned C"
zenml model version update iris_logistic_regression 1 --stage production
zenml model version update iris_logistic_regression --stage=staging
zenml model version update iris_logistic_regression 1.0.5 --stage production -m "better recall"
zenml model list
zenml model version list --model iris_logistic_regression
zenml model version history iris_logistic_regression
zenml doctor
cat .zenml/models/iris_logistic_regression/model.yaml
