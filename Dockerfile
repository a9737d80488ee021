# syntax=docker/dockerfile:1
# The whm-migrate image: the worker (default command), `whm-migrate serve` and the WHM simulator.
# Debian (glibc) base, because @temporalio/core-bridge ships native binaries for glibc, not musl.
ARG NODE_IMAGE=node:20.19-bookworm-slim

# 1. Compile TypeScript and bundle the workflow code with the same @temporalio/worker version the
#    runtime stage installs (package-lock.json pins it), so workers load the bundle instead of
#    running webpack at every start.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && node dist/production/bundle-workflows.js dist/workflow-bundle.js

# 2. Production dependencies only.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: compiled code, production dependencies, the CLI entry point and the rehearsal files.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    WHM_MIGRATE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY deploy/rehearsal ./deploy/rehearsal
# The `node` user (uid 1000) comes with the base image; nothing here needs root.
USER node
# 9464 Prometheus metrics, 9465 /healthz and /readyz (worker); 8080 whm-migrate serve.
EXPOSE 9464 9465 8080
CMD ["node", "dist/worker.js"]
