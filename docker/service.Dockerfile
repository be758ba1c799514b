# syntax=docker/dockerfile:1
#
# The image of one jsjb service (intake, routing or sla); one file for all three. Build from the
# repository root, naming the app and its port (both required; anything else fails the build):
#   docker build -f docker/service.Dockerfile --build-arg APP=intake  --build-arg PORT=3001 -t jsjb/intake .
#   docker build -f docker/service.Dockerfile --build-arg APP=routing --build-arg PORT=3002 -t jsjb/routing .
#   docker build -f docker/service.Dockerfile --build-arg APP=sla     --build-arg PORT=3003 -t jsjb/sla .
# docker-compose.yml passes the same arguments.
#
# Build arguments are scoped to a stage: APP and PORT are declared (ARG) in each stage that uses
# them, and only after the shared `npm ci` layers, so those stay cached across the three apps.
#
# Start command: an exec-form CMD cannot expand a build argument, so the runtime stage keeps APP
# in the environment and the ENTRYPOINT's shell expands it, then `exec`s node, which stays PID 1
# and receives SIGTERM itself. The container's arguments are passed on to main.js:
#   docker run jsjb/intake            -> node apps/intake/dist/main.js
#   docker run jsjb/intake migrate    -> node apps/intake/dist/main.js migrate
# The path apps/<app>/dist/main.js is literal in the image (/app), so the Kubernetes init
# container's `node apps/<app>/dist/main.js migrate` (a command, bypassing the entrypoint) works
# too. For a shell, override the entrypoint: docker run --rm -it --entrypoint sh jsjb/intake
# EXPOSE expands PORT; HEALTHCHECK cannot, so it reads the PORT environment variable.
#
# tools/test/deploy-manifests.spec.ts checks this file: stages, base image, non-root USER,
# HEALTHCHECK, start command (run through a shell), the APP/PORT guard (run through a shell),
# ARG scopes, and that every workspace package.json is copied below.

# ---- manifests: the lockfile and every workspace's package.json (npm ci needs them all) ----
FROM node:22-slim AS manifests
# The lockfile is written by npm 11, whose root "allowScripts" policy decides which
# install scripts run; the npm 10 bundled with node:22 ignores it and would run them all.
RUN --mount=type=cache,target=/root/.npm npm install --global npm@11.19.1
ENV NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/console/package.json apps/console/
COPY apps/intake/package.json apps/intake/
COPY apps/routing/package.json apps/routing/
COPY apps/sla/package.json apps/sla/
COPY libs/contracts/package.json libs/contracts/
COPY libs/kafka-dev-broker/package.json libs/kafka-dev-broker/
COPY libs/messaging/package.json libs/messaging/
COPY libs/platform/package.json libs/platform/
COPY libs/testing/package.json libs/testing/
COPY tools/package.json tools/

# ---- builder: all dependencies, Prisma client generation, TypeScript build ----
FROM manifests AS builder
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true CHECKPOINT_DISABLE=1
RUN --mount=type=cache,target=/root/.npm npm ci
ARG APP
ARG PORT
# The guard: the first use of APP and PORT. The runtime stage copies from this one, so a
# missing or unknown value fails every image build here.
RUN set -eu; \
    fail() { echo "docker/service.Dockerfile: $*" >&2; exit 1; }; \
    case "${APP:-}" in \
      intake|routing|sla) ;; \
      '') fail "build argument APP is required: --build-arg APP=intake|routing|sla";; \
      *) fail "build argument APP=$APP is not an app: use intake, routing or sla";; \
    esac; \
    case "${PORT:-}" in \
      [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) \
        [ "$PORT" -le 65535 ] || fail "build argument PORT=$PORT is not a port (1-65535)";; \
      '') fail "build argument PORT is required: the port $APP listens on, e.g. --build-arg PORT=3001";; \
      *) fail "build argument PORT=$PORT is not a port (1-65535)";; \
    esac
COPY . .
# build depends on prisma-generate and on the build of every library the app imports.
RUN npx nx run "${APP}:build" --outputStyle=stream
# Stage exactly what the runtime needs: the app's dist (the generated Prisma client is
# compiled into it), its SQL migrations (main.js reads ../prisma/migrations), and the
# package.json + dist of each library that was built for it.
RUN set -eu; \
    mkdir -p "/out/apps/$APP/prisma"; \
    cp -R "apps/$APP/package.json" "apps/$APP/dist" "/out/apps/$APP/"; \
    cp -R "apps/$APP/prisma/migrations" "/out/apps/$APP/prisma/"; \
    for lib in libs/*; do \
      if [ -d "$lib/dist" ]; then \
        mkdir -p "/out/$lib"; \
        cp -R "$lib/package.json" "$lib/dist" "/out/$lib/"; \
      fi; \
    done

# ---- prod-deps: production dependencies only (workspace libs are symlinked into node_modules) ----
FROM manifests AS prod-deps
# The Prisma CLI and TypeScript stay (about 250 MB): @prisma/client declares them optional peers,
# so npm keeps them under --omit=dev. --omit=optional would drop them, and with them any platform
# binary a future dependency ships as an optional dependency, so it is not used.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

# ---- runtime ----
FROM node:22-slim AS runtime
ARG APP
ARG PORT
# Memory bounded as measured by `npm run bench` (SERVICE_MEMORY in tools/dev/config.ts; a test keeps
# them equal): about 240–300 MB resident per service under load, where it grew past 500 MB.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APP=${APP} \
    PORT=${PORT} \
    NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2
WORKDIR /app
# Everything stays owned by root and read-only to the service user.
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=builder /out/ ./
# The image's built-in `node` user, numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE ${PORT}
# slim images have no curl: Node's fetch checks liveness.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# $0 is "jsjb" (the name in the shell's own error messages); "$@" are the container's arguments.
ENTRYPOINT ["/bin/sh", "-c", "exec node \"apps/$APP/dist/main.js\" \"$@\"", "jsjb"]
CMD []
