# Nexus: one image for every process (web, worker, migrate, chapa-sandbox); the command picks which.
#   docker build -t nexus .
#   docker run nexus                                   # web (default)
#   docker run nexus node dist/worker/main.js          # worker

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, dev ones included (TypeScript, esbuild) -------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/openapi-types/package.json tools/openapi-types/
RUN npm ci --no-audit --no-fund

# ---- build: tsc to dist/, browser client bundle to dist/public ----------------------------
FROM deps AS build
WORKDIR /app
COPY . .
RUN npm run build

# ---- runtime: production dependencies and the built output only -----------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/openapi-types/package.json tools/openapi-types/
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /app/.mail \
 && chown node:node /app/.mail
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# No curl in the slim image: Node's own fetch checks liveness.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server/main.js"]
