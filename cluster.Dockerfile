# evolve for docker-compose.cluster.yml: the CLI and its dependencies; sandboxes run on the host's Docker engine
# through the mounted socket, so this image needs no Docker of its own.
FROM node:20-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends git python3 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/evolve
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm link
ENTRYPOINT ["evolve"]
