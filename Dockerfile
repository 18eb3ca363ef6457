# syntax=docker/dockerfile:1
# Multi-stage build of the DevFlow server (API + web app + docs on one port).

FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@12.20.0
WORKDIR /app

# 1. Dependencies only: this layer is reused until a manifest or the lockfile changes.
FROM base AS deps
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Patched dependencies (pnpm-workspace.yaml `patchedDependencies`) are applied at install.
COPY patches/ patches/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY apps/cli/package.json apps/cli/
COPY packages/api/package.json packages/api/
COPY packages/db/package.json packages/db/
COPY packages/cache/package.json packages/cache/
COPY packages/contract/package.json packages/contract/
COPY packages/client/package.json packages/client/
COPY examples/client-script/package.json examples/client-script/
RUN pnpm install --frozen-lockfile --ignore-scripts && pnpm rebuild

# 2. Build the web app.
FROM deps AS build
COPY . .
RUN pnpm --filter @devflow/web build

# 3. Runtime: sources, dependencies, built web app and migrations (packages/db/migrations); runs as the
#    unprivileged node user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
