# AutoHub's API and worker image: `docker run IMAGE api` or `... worker` (also `migrate`, `users`, `keys`).
#
# Three stages so that the image that runs carries the production dependencies only, installed
# by themselves (nothing a dev dependency pulled in, no compiler, no TypeScript sources), and
# the build's node_modules never reach it.
#
# Dependency install scripts are skipped, as the npm AutoHub is developed with does by default:
# every dependency works without them (native parts ship prebuilt or fall back to JavaScript).

FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY web ./web
# dist/src is the app, dist/migrations the compiled migrations it finds at run time (../../migrations
# from dist/src/db); web/dist the dashboard, whose API types are generated from the routes first.
RUN npm run build

FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
    AUTOHUB_HOME=/var/lib/autohub
WORKDIR /app
# package.json gives the running app its version (src/runtime/version.ts looks for it upward).
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The dashboard's build alone: the API serves it at / (found beside package.json).
COPY --from=build /app/web/dist ./web/dist
# Made here, owned by the unprivileged user, so a fresh named volume mounted on it starts with
# that owner and the uploads directory the API reads photo_path files from.
RUN mkdir -p /var/lib/autohub/uploads && chown -R node:node /var/lib/autohub
USER node
# 3000: the API (PORT); 3001: the worker's probes when WORKER_HTTP_PORT is set to it.
EXPOSE 3000 3001
# Liveness of whichever role runs: the worker's probes when WORKER_HTTP_PORT is set, else the API's.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HTTP_PORT || process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["api"]
