# syntax=docker/dockerfile:1
# Image for one of the SPAs, served by an unprivileged nginx on port 8080. Build from the repository root:
#   docker build -f infra/docker/spa.Dockerfile --build-arg APP=developer -t payerbox/developer-app .
#   docker build -f infra/docker/spa.Dockerfile --build-arg APP=admin -t payerbox/admin-app .
# The developer image is the portal's front door: `/` is the developer SPA, `/api/` goes to REGISTRATION_URL and
# `/admin/` to ADMIN_URL (the admin image, which serves its SPA under /admin/ and also proxies /api/ itself).
# Both answer with the headers the registration service gives the SPAs (infra/nginx/spa-headers.conf).
ARG NODE_IMAGE=node:20-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28-alpine

FROM ${NODE_IMAGE} AS build
ARG APP
# Keep equal to "packageManager" in package.json.
ARG PNPM_VERSION=10.34.9
RUN case "${APP}" in developer|admin) ;; *) echo "--build-arg APP=developer|admin is required" >&2; exit 1 ;; esac \
 && npm install -g "pnpm@${PNPM_VERSION}"
WORKDIR /repo
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN pnpm fetch
COPY . .
# apps/<app>/vite.config.ts sets the base: `/` for developer, `/admin/` for admin. Output: apps/<app>/dist.
RUN pnpm install --offline --frozen-lockfile \
 && pnpm --filter "@payerbox/${APP}-app" build \
 && test -f "apps/${APP}/dist/index.html"

FROM ${NGINX_IMAGE}
ARG APP
# The image's entrypoint runs envsubst over /etc/nginx/templates/*.template into /etc/nginx/conf.d/ at start,
# replacing only variables that are set (nginx's own $uri and friends stay). URLs without a path or trailing slash.
ENV REGISTRATION_URL=http://registration:3000 \
    ADMIN_URL=http://admin-app:8080
COPY infra/nginx/spa-headers.conf /etc/nginx/spa-headers.conf
COPY infra/nginx/api-proxy.conf /etc/nginx/api-proxy.conf
COPY infra/nginx/${APP}.conf.template /etc/nginx/templates/default.conf.template
# developer: /usr/share/nginx/html/developer/index.html; admin: /usr/share/nginx/html/admin/index.html (served at /admin/).
COPY --from=build /repo/apps/${APP}/dist /usr/share/nginx/html/${APP}
EXPOSE 8080
