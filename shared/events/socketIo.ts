import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Redis } from "ioredis";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../browser/protocol.js";
import { config } from "../config.js";
import { guardAdapterClient } from "./adapterPatches.js";

/** Every Socket.IO server of ours, typed with the shared event map (protocol.ts). */
export type NexusServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type NexusSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Room names, shared by the web process (joining) and every publisher (emitting). */
export const userRoom = (userId: string) => `user:${userId}`;
export const listingRoom = (listingId: string) => `listing:${listingId}`;
/** A booking's own feed, for admins who subscribe to it (its guest and host get it in their user rooms). */
export const bookingRoom = (bookingId: string) => `booking:${bookingId}`;

/** Largest message a client may send; subscribe payloads are tiny, so anything bigger is abuse. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/**
 * Options common to every Socket.IO server of ours: all meet on one Redis stream.
 *
 * No connection state recovery, on purpose: a reconnecting client resumes with `lastEventId` from
 * PostgreSQL (server/realtime/resume.ts), which covers any absence. Recovery would add nothing but
 * two defects: Socket.IO writes a restored session's missed packets to the client before the auth
 * middleware has run (a forged token plus someone's pid and offset read their events), and it
 * appends an offset argument to every live event, which clients taking one argument mishandle.
 */
export function socketIoOptions(adapterRedis: Redis): Partial<ServerOptions> {
  trackDuplicates(adapterRedis);
  return {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
    adapter: createAdapter(adapterRedis, { streamName: `${config.REDIS_KEY_PREFIX}socket.io` }),
  };
}

const adapterClients = new WeakMap<Server, Redis>();
const duplicatesOf = new WeakMap<Redis, Redis[]>();

/**
 * The adapter reads the stream (XREAD) and listens to pub/sub on connections it duplicates from the
 * one it is given; they are recorded here so "ready" can mean all of them, not just the publishing one.
 */
function trackDuplicates(adapterRedis: Redis): void {
  if (duplicatesOf.has(adapterRedis)) return;
  guardAdapterClient(adapterRedis as unknown as Parameters<typeof guardAdapterClient>[0]);
  const duplicates: Redis[] = [];
  duplicatesOf.set(adapterRedis, duplicates);
  const duplicate = adapterRedis.duplicate.bind(adapterRedis);
  adapterRedis.duplicate = ((...args: Parameters<Redis["duplicate"]>) => {
    const client = duplicate(...args);
    duplicates.push(client);
    return client;
  }) as Redis["duplicate"];
}

/** Remembers which Redis client carries a server's adapter, so publishers can check it is up. */
export function registerAdapterRedis<S extends Server>(io: S, adapterRedis: Redis): S {
  adapterClients.set(io, adapterRedis);
  return io;
}

/** Every Redis connection of a server's adapter: the one it was given and those it duplicated. */
export function adapterConnections(io: Server): Redis[] {
  const main = adapterClients.get(io);
  return main ? [main, ...(duplicatesOf.get(main) ?? [])] : [];
}

/** The status of the adapter's Redis connections: "ready" only when every one of them is. */
export function adapterStatus(io: Server): string {
  const main = adapterClients.get(io);
  if (!main) return "ready"; // not ours (an in-memory adapter): nothing to wait for
  const notReady = [main, ...(duplicatesOf.get(main) ?? [])].find((client) => client.status !== "ready");
  return notReady ? notReady.status : "ready";
}

/**
 * A Socket.IO server never attached to HTTP: the worker publishes through it, on the same streams
 * adapter as the web instances (@socket.io/redis-emitter does not speak the streams protocol).
 */
export function createDetachedIo(adapterRedis: Redis): NexusServer {
  return registerAdapterRedis(
    new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
      socketIoOptions(adapterRedis),
    ),
    adapterRedis,
  );
}
