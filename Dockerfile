# syntax=docker/dockerfile:1
# Multi-stage build of the DevFlow server (API + web app + docs on one port), on Node 24 LTS.
# The image runs the compiled server (apps/server/dist/main.js) with production dependencies only.

FROM node:24-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@12.20.0
WORKDIR /app

# 1. Dependencies only: this layer is reused until a manifest or the lockfile changes.
FROM base AS deps
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .pnpmfile.cjs ./
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

# 2. Build the web app and the server (one bundle of apps/server and the workspace packages it imports,
#    apps/server/scripts/build.mjs), then gather what runs: the server package with its production
#    dependencies installed flat (`pnpm deploy --prod`, node-linker=hoisted) and the web app next to it,
#    where apps/server/src/main.ts looks for it (../../web/dist).
FROM deps AS build
COPY . .
RUN pnpm --filter @devflow/web build \
  && pnpm --filter @devflow/server exec node scripts/build.mjs --no-link \
  && pnpm --filter @devflow/server deploy --prod --config.node-linker=hoisted /prod/apps/server \
  && rm -f /prod/apps/server/pnpm-lock.yaml /prod/apps/server/pnpm-workspace.yaml \
  && mkdir -p /prod/apps/web \
  && cp -r apps/web/dist /prod/apps/web/dist

# 3. Runtime: the compiled server, its production dependencies, the built web app and the migrations
#    (dist/assets/@devflow/db/migrations); runs as the unprivileged node user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build --chown=node:node /prod /app
WORKDIR /app/apps/server
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
