import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type Router from "@koa/router";
import type { Server as IoServer } from "socket.io";
import { buildApp } from "../../server/app.js";
import { createIo } from "../../server/realtime/io.js";
import { initOrm } from "../../shared/db/orm.js";
import { setEventPublisher } from "../../shared/events/publisher.js";
import { createSocketPublisher } from "../../shared/events/socketPublisher.js";
import { JobProducer } from "../../shared/jobs/queue.js";
import { createRedis } from "../../shared/redis.js";

export interface RunningApp {
  url: string;
  server: Server;
  io: IoServer;
  close(): Promise<void>;
}

/** The real web app on a real port, with its own connections (as server/main.ts builds it). */
export async function startApp(options: { redisUrl?: string; extraRoutes?: Router } = {}): Promise<RunningApp> {
  const orm = await initOrm();
  const redis = createRedis("test-app", options.redisUrl);
  const adapterRedis = createRedis("test-io", options.redisUrl);
  const jobs = await JobProducer.open("test-web");
  const app = buildApp({ orm, redis, jobs }, { extraRoutes: options.extraRoutes });
  const server = createServer(app.callback());
  const io = createIo(server, adapterRedis);
  setEventPublisher(createSocketPublisher(io));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    io,
    close: async () => {
      setEventPublisher(null);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await jobs.close();
      await orm.close();
      redis.disconnect();
      adapterRedis.disconnect();
    },
  };
}
