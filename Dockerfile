# syntax=docker/dockerfile:1
#
# The `dora` image: one image for every role. The command picks the role
# (start | ingest | transform | api | migrate | demo; see `dora --help`).
#
#   docker build -t dora-pipeline .
#   docker run --rm -p 3000:3000 -v dora-data:/data dora-pipeline            # embedded shape
#   docker run --rm --env-file .env dora-pipeline ingest                       # one distributed role
#
# docker-compose.yml runs the distributed shape (Kafka, ClickHouse, the roles, Grafana).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install every dependency, compile TypeScript to dist/, then drop dev dependencies
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# Dependencies first, so source edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci

# Sources (.dockerignore keeps out node_modules, dist, data, tests, secrets, ...).
COPY . .
# package.json "build": "tsc -p tsconfig.build.json" -> dist/
RUN npm run build \
 && npm prune --omit=dev \
 && npm cache clean --force

# ---- runtime: compiled code and production dependencies only, as a non-root user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DORA_DATA_DIR=/data
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin

# The embedded shape (`start`) keeps its log, DuckDB file and generated secrets in DORA_DATA_DIR:
# mount a volume on /data to keep them. The distributed roles write nothing locally.
# The image's `node` user (uid 1000) runs the process.
RUN mkdir -p /data && chown node:node /data
USER node

EXPOSE 3000

# Liveness only (/healthz never calls dependencies); readiness is /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "dist/app/main.js"]
CMD ["start"]
