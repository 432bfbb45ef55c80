# Multi-stage build: the builder compiles the mediasoup worker, better-sqlite3 and the web client;
# the runtime image carries only what runs, as a non-root user.
FROM node:20-bookworm AS builder
RUN apt-get update && apt-get install -y --no-install-recommends \
      g++ pkg-config python3 meson ninja-build flatbuffers-compiler libflatbuffers-dev \
      libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev \
    && rm -rf /var/lib/apt/lists/*
RUN npm install -g npm@11
WORKDIR /app
COPY package.json package-lock.json ./
RUN MEDIASOUP_WORKER_BIN=skip npm ci --no-audit --no-fund
COPY . .
# setup.mjs builds the worker, the prisma client and the web client (the same steps as `npm start`).
RUN node scripts/setup.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder --chown=node:node /app /app
USER node
# Media listens on every interface: run with -e RTC_ANNOUNCED_ADDRESS=<public IP or host> (the start
# refuses without it: browsers must be told an address they can reach; README "Production").
ENV HOST=0.0.0.0 PORT=3000 JIEFEN_DATA_DIR=/data RTC_LISTEN_IP=0.0.0.0
VOLUME /data
EXPOSE 3000 40000/udp 40000/tcp
CMD ["node", "--import", "tsx", "signaling/main.ts"]
