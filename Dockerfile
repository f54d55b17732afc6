# The tideflow workspace and its main job: `docker build -t tideflow . && docker run --rm tideflow`.
# Results (cache, tracking database, artifacts, report) land in /app/.tideflow; mount a volume there
# to keep them: `docker run --rm -v "$PWD/.tideflow:/app/.tideflow" tideflow`.
FROM node:20-bookworm-slim

# better-sqlite3 compiles its native addon with node-gyp.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN npm ci
RUN npm run build

CMD ["npm", "run", "pipeline"]
