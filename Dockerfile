# rblbot as a container image: `docker build -t rblbot .`, then
# `docker run --env-file .env rblbot` (the entry point is the `rblbot` command, so
# `docker run rblbot status` or `docker run rblbot check 203.0.113.5` work too).
# compose.yaml runs two replicas on PostgreSQL; docs/deploy.md describes both.

# --- build: compile TypeScript, then keep only the production dependencies ---------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; these build it from source when none fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY bin ./bin
COPY data ./data
# The build bundles the CLI with scripts/bundle-cli.mjs after tsc.
COPY scripts ./scripts
# npm ci runs the prepare script (tsc, then the CLI bundle) into dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: Node and the compiled bot, run by an unprivileged user ----------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    RBLBOT_DB=/data/rblbot.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/data ./data
# /data holds the SQLite file when RBLBOT_DB is not a postgres:// URL.
RUN ln -s /app/bin/rblbot.js /usr/local/bin/rblbot \
 && mkdir /data \
 && chown node:node /data
USER node
VOLUME ["/data"]
# Slack HTTP mode and Discord HTTP interactions listen here (PORT); Socket Mode and the
# Discord gateway need no inbound port.
EXPOSE 3000
ENTRYPOINT ["rblbot"]
