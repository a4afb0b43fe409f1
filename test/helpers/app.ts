import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Router from "@koa/router";
import type { Redis } from "ioredis";
import type { Server as IoServer } from "socket.io";
import { buildApp } from "../../server/app.js";
import { answerClientErrors } from "../../server/clientError.js";
import { attachGraphqlSubscriptions, closeGraphqlConnections } from "../../server/graphql/ws.js";
import { createIo, type RealtimeOptions } from "../../server/realtime/io.js";
import { config } from "../../shared/config.js";
import { initOrm } from "../../shared/db/orm.js";
import { type EventRelay, setEventRelay, startEventRelay } from "../../shared/events/relay.js";
import { createSocketPublisher } from "../../shared/events/socketPublisher.js";
import { JobProducer } from "../../shared/jobs/queue.js";
import { createRedis } from "../../shared/redis.js";
import type { ObjectStorage } from "../../shared/storage/objectStorage.js";

export interface RunningApp {
  url: string;
  server: Server;
  io: IoServer;
  /** The app's event relay (drain() waits until every committed event is published, by any leader). */
  relay: EventRelay;
  /** The app's Redis client (cache, rate limits): `status` says whether it is connected. */
  redis: Redis;
  close(): Promise<void>;
}

/** The real web app on a real port, with its own connections (as server/main.ts builds it). */
export async function startApp(
  options: {
    redisUrl?: string;
    extraRoutes?: Router;
    realtime?: Omit<RealtimeOptions, "orm">;
    /** Photo storage instead of the configured one. */
    storage?: ObjectStorage;
  } = {},
): Promise<RunningApp> {
  const orm = await initOrm();
  const redis = createRedis("test-app", options.redisUrl, { autoPipelining: true }); // as server/main.ts
  const adapterRedis = createRedis("test-io", options.redisUrl);
  const jobs = await JobProducer.open("test-web");
  const app = buildApp({ orm, redis, jobs, storage: options.storage }, { extraRoutes: options.extraRoutes });
  const server = createServer(app.callback());
  answerClientErrors(server);
  const io = createIo(server, adapterRedis, { orm, ...options.realtime });
  const graphqlWs = attachGraphqlSubscriptions(server, io, { orm, redis, jobs }, { caps: options.realtime?.caps });
  const relay = startEventRelay(orm, {
    emitter: createSocketPublisher(io),
    pollMs: config.EVENTS_RELAY_POLL_MS,
    electionMs: 200,
    wakeOn: adapterRedis,
    wakeRedis: redis,
  });
  setEventRelay(relay);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    io,
    relay,
    redis,
    close: async () => {
      await relay.stop();
      // Local only: io.disconnectSockets() would reach other apps' sockets through the shared adapter.
      io.local.disconnectSockets(true);
      closeGraphqlConnections(graphqlWs, "terminate"); // else the server's close waits for their clients
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await jobs.close();
      await orm.close();
      redis.disconnect();
      adapterRedis.disconnect();
    },
  };
}
