# One image for every process: command-api (default) and projector. Node 24 LTS: every
# production dependency's engines accept it (test/architecture/compose.spec.ts checks
# this tag against the lock), and Node 20 is past its end of life.
FROM node:24.11.1-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary matches; the toolchain stays in this stage.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --include=dev --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev

FROM node:24.11.1-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The embedded default's data directory, for a single container without MONGODB_URI.
RUN mkdir -p /app/data && chown node:node /app/data
# Not root: the image's own unprivileged user (uid 1000).
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/command-api/src/main.js"]
