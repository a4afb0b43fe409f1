import { config } from "../shared/config.js";
import { initOrm } from "../shared/db/orm.js";
import { setEventRelay, startEventRelay } from "../shared/events/relay.js";
import { createSocketPublisher } from "../shared/events/socketPublisher.js";
import { JobProducer, processName } from "../shared/jobs/queue.js";
import { logger } from "../shared/logger.js";
import { guardProcess } from "../shared/processGuards.js";
import { createRedis } from "../shared/redis.js";
import { buildApp } from "./app.js";
import { answerClientErrors } from "./clientError.js";
import { attachGraphqlSubscriptions, closeGraphqlConnections } from "./graphql/ws.js";
import { createHttpServer } from "./httpServer.js";
import { createIo } from "./realtime/io.js";

guardProcess();
const orm = await initOrm();
// Search reads go to the replica once it has replayed the last commit that changed search (replicaReads.ts).
const replica = config.DATABASE_REPLICA_URL ? await initOrm({ clientUrl: config.DATABASE_REPLICA_URL }) : null;
const redis = createRedis("app", config.REDIS_URL, { autoPipelining: true });
const jobs = await JobProducer.open(processName("web"));
const app = buildApp({ orm, redis, jobs, replica });
// Timeouts and the connection cap from config (server/httpServer.ts).
const httpServer = createHttpServer(app.callback());
answerClientErrors(httpServer); // Node's own refusals (431, malformed requests) in the API's JSON shape
const adapterRedis = createRedis("socket.io", config.REDIS_URL, { autoPipelining: true });
const io = createIo(httpServer, adapterRedis, { orm });
// graphql-ws on /graphql, fed by the same Socket.IO stream as the sockets (server/graphql/ws.ts).
const graphqlWs = attachGraphqlSubscriptions(httpServer, io, { orm, redis, jobs, replica });
// One relay of the deployment leads: it orders and publishes every event (shared/events/relay.ts).
const relay = config.EVENTS_RELAY
  ? startEventRelay(orm, {
      emitter: createSocketPublisher(io),
      pollMs: config.EVENTS_RELAY_POLL_MS,
      coalesceMs: config.EVENTS_RELAY_COALESCE_MS,
      electionMs: config.EVENTS_RELAY_ELECTION_MS,
      wakeOn: adapterRedis,
      wakeRedis: redis,
    })
  : null;
setEventRelay(relay);

httpServer.listen(config.PORT, () => logger.info({ port: config.PORT }, "web listening"));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "web shutting down");
  // Stop accepting, let in-flight requests finish, then close what they used.
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // Close this instance's transports only: clients reconnect (to another instance) and resume.
  // io.disconnectSockets() would go through the adapter and disconnect every instance's sockets.
  await relay?.stop(); // another process's relay takes over within EVENTS_RELAY_ELECTION_MS
  for (const socket of io.of("/").sockets.values()) socket.conn.close();
  closeGraphqlConnections(graphqlWs, "close"); // its clients too (server/graphql/ws.ts)
  httpServer.closeIdleConnections();
  const forced = setTimeout(() => {
    logger.warn({ afterMs: config.WEB_DRAIN_TIMEOUT_MS }, "in-flight requests still running; closing them");
    httpServer.closeAllConnections();
    closeGraphqlConnections(graphqlWs, "terminate"); // a client that never answered the close
  }, config.WEB_DRAIN_TIMEOUT_MS);
  await closed;
  clearTimeout(forced);
  await new Promise<void>((resolve) => io.close(() => resolve()));
  await jobs.close();
  await orm.close();
  await replica?.close();
  redis.disconnect();
  logger.info("web stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
