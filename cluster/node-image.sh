#!/bin/sh
# Builds evolve/node:20-bookworm, a stand-in for the node:20-bookworm image where no image registry is reachable: the
# locally bootstrapped Debian base plus this machine's own Node 20 (binary and npm), which must itself be a Debian
# bookworm build. The image trusts what this machine trusts (its CA bundle), so npm in it reaches the registry the
# way the host does, through a TLS-inspecting proxy too. docker-compose.local.yml builds the evolve image on it.
set -eu
base=${1:-evolve/base:bookworm}
node=$(command -v node)
case "$(node --version)" in v20.*|v2[1-9].*) ;; *) echo "node-image.sh: need Node 20+ here, found $(node --version)" >&2; exit 1 ;; esac
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$node" "$ctx/node"
cp -r "$npm_dir" "$ctx/npm"
cp /etc/ssl/certs/ca-certificates.crt "$ctx/host-ca.crt"
# Node's headers, so native addons (better-sqlite3) build without downloading them from nodejs.org.
headers=$(dirname "$(dirname "$node")")/include/node
[ -f "$headers/node_version.h" ] || { echo "node-image.sh: no Node headers at $headers" >&2; exit 1; }
cp -r "$headers" "$ctx/include-node"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libstdc++6 python3 make g++ git \
  && rm -rf /var/lib/apt/lists/*
COPY host-ca.crt /usr/local/share/ca-certificates/host-ca.crt
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
COPY include-node /usr/local/include/node
ENV npm_config_nodedir=/usr/local
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version
DOCKERFILE
docker build -t evolve/node:20-bookworm "$ctx"
