# evolve for docker-compose.cluster.yml: the CLI and its dependencies; sandboxes run on the host's Docker engine
# through the mounted socket, so this image needs no Docker of its own. NODE_IMAGE: any Debian bookworm image with
# Node 20+ (docker-compose.local.yml names one built locally when node:20-bookworm cannot be pulled).
ARG NODE_IMAGE=node:20-bookworm
FROM ${NODE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends git python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/evolve
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm link
ENTRYPOINT ["evolve"]
