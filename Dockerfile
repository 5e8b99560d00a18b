# The app image, used by docker-compose for both the API and the worker.
# Install scripts are skipped: the Temporal CLI build (postinstall) is only for the embedded dev
# server, and in this topology TEMPORAL_ADDRESS points at the Temporal service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
ENV NODE_ENV=production
USER node
CMD ["npm", "run", "api"]
