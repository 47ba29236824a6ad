# syntax=docker/dockerfile:1
#
# ringcentral-warehouse-sync worker image.
#   docker build -t ringcentral-warehouse-sync .
#   docker run --rm ringcentral-warehouse-sync --help
# The default command is `rcsync worker`; configuration comes only from the environment
# (see deploy/.env.example) - nothing secret is baked into the image.

# Debian (glibc), not Alpine: Temporal's native core bridge ships prebuilt glibc binaries.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------
# build: full dependency tree, TypeScript compile + prebuilt workflow bundle.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached until they change. The simulator
# workspace is built too (npm run build type-checks the product against it), but only
# the product's dist/ reaches the runtime image.
COPY package.json package-lock.json ./
COPY packages/ringcentral-simulator/package.json packages/ringcentral-simulator/
RUN npm ci --no-audit --no-fund
COPY . .
# tsc -p tsconfig.build.json, then dist/workflow-bundle.js (the worker loads the prebuilt
# bundle when it exists, instead of running webpack at every start).
RUN npm run build \
 && test -f dist/src/client/main.js \
 && test -f dist/workflow-bundle.js

# ---------------------------------------------------------------------------------------
# prod-deps: production dependencies only, installed in a clean stage so no dev tooling
# or build cache leaks into the runtime image. --workspaces=false: the simulator package is
# not part of the product (`rcsync simulator` and `rcsync demo` say so in the image).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --workspaces=false --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------
# runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Everything is owned by root and read-only to the process user: the worker cannot
# modify its own code or dependencies.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc does not copy non-TS assets: the SQL migrations the worker applies at start-up
# are read from dist/src/warehouse/migrations (next to the compiled migrate.js).
COPY --from=build /app/src/warehouse/migrations ./dist/src/warehouse/migrations
# Unprivileged user "node" shipped by the base image. Numeric, so runtimes enforcing
# runAsNonRoot (Kubernetes) can verify it without reading /etc/passwd.
USER 1000:1000
ENTRYPOINT ["node", "dist/src/client/main.js"]
CMD ["worker"]
