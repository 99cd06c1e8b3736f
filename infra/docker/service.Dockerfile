# syntax=docker/dockerfile:1
# Image for one of the Node services (registration, provisioner or notifier). Build from the repository root:
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=registration -t payerbox/registration .
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=provisioner -t payerbox/provisioner .
# The build bundles the service and its workspace packages into dist/server.mjs (infra/build/bundle-service.mjs);
# `pnpm deploy --prod` then installs only the service's production dependencies, which the bundle imports.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
# Keep equal to "packageManager" in package.json (corepack needs package signatures, which a build may not reach).
ARG PNPM_VERSION=10.34.9
RUN test -n "${SERVICE}" || { echo "--build-arg SERVICE=registration|provisioner|notifier is required" >&2; exit 1; } \
 && npm install -g "pnpm@${PNPM_VERSION}"
WORKDIR /repo
# Dependencies first (only the lockfile decides them), so source edits reuse this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN pnpm fetch
COPY . .
# pnpm 10 deploys a workspace package only with --legacy (or inject-workspace-packages). Workspace packages are inside
# the bundle; development-only ones (embedded PostgreSQL, seeding: @payerbox/dev-stack) are never production dependencies.
RUN pnpm install --offline --frozen-lockfile \
 && pnpm --filter "@payerbox/${SERVICE}" build \
 && pnpm --filter "@payerbox/${SERVICE}" deploy --prod --legacy /out \
 && rm -rf /out/dist /out/src /out/test && cp -r "services/${SERVICE}/dist" /out/dist

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# Owned by root: the service cannot change its own code.
COPY --from=build /out/package.json ./package.json
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
