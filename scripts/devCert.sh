#!/usr/bin/env bash
# A self-signed TLS certificate for development (nginx in docker-compose.yml, test/proxy.test.ts):
# EC P-256, valid 30 days, for localhost and 127.0.0.1. Never for production: use your CA's (or
# cert-manager's on Kubernetes).
#   bash scripts/devCert.sh [folder]      (default deploy/nginx/certs; writes nexus.crt and nexus.key)
set -euo pipefail
dir="${1:-$(dirname "$0")/../deploy/nginx/certs}"
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/nexus.key" -out "$dir/nexus.crt" 2>/dev/null
chmod 600 "$dir/nexus.key"
echo "$dir/nexus.crt"
