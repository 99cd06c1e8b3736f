# syntax=docker/dockerfile:1
# Image for one of the Node services. Build from the repository root:
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=registration -t payerbox/registration .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
WORKDIR /repo
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter "@payerbox/${SERVICE}" build \
 && pnpm --filter "@payerbox/${SERVICE}" deploy --prod --legacy /out \
 && cp -r "services/${SERVICE}/dist" /out/dist

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /out/node_modules ./node_modules
COPY --from=build --chown=node:node /out/dist ./dist
COPY --from=build --chown=node:node /out/package.json ./package.json
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
