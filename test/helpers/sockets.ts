import { setTimeout as sleep } from "node:timers/promises";
import { io, type Socket } from "socket.io-client";
import type { SocketAck, SubscribeTarget } from "../../shared/browser/protocol.js";
import type { Orm } from "../../shared/db/orm.js";
import { inUnitOfWork as runCommand } from "../../shared/domain/commands/unitOfWork.js";
import { EVENT_TYPES, type EventEnvelope, type EventType } from "../../shared/events/eventMap.js";
import type { EventInput } from "../../shared/events/record.js";
import { eventually } from "./eventually.js";

/**
 * A real socket.io-client socket that records every event envelope it receives, raw (no dedupe:
 * tests check that the server itself sends no duplicate and no gap).
 */
export interface TestSocket {
  socket: Socket;
  events: EventEnvelope[];
  ids(): number[];
  /** Resolves once `count` events have arrived (in all), or rejects after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<EventEnvelope[]>;
  /** Resolves once an event with this id has arrived. */
  waitForId(id: number, timeoutMs?: number): Promise<void>;
  subscribe(target: unknown): Promise<SocketAck>;
  close(): void;
}

export interface ConnectOptions {
  lastEventId?: number | string | null;
  /** Default: reconnection off, websocket only (tests decide when to come back). */
  reconnection?: boolean;
  /** PEM of the CA to trust for a wss:// url (a development certificate). */
  ca?: string;
}

function record(socket: Socket): TestSocket {
  const events: EventEnvelope[] = [];
  let changed: () => void = () => {};
  socket.onAny((name: string, envelope: EventEnvelope) => {
    if (!(EVENT_TYPES as readonly string[]).includes(name)) return;
    events.push(envelope);
    changed();
  });
  const until = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ids ${JSON.stringify(events.map((e) => e.id))}`)),
        timeoutMs,
      );
      const previous = changed;
      changed = () => {
        previous();
        if (done()) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  return {
    socket,
    events,
    ids: () => events.map((e) => e.id),
    waitForEvents: async (count, timeoutMs = 5000) => {
      await until(() => events.length >= count, `${count} events`, timeoutMs);
      return events.slice(0, count);
    },
    waitForId: (id, timeoutMs = 5000) => until(() => events.some((e) => e.id === id), `event ${id}`, timeoutMs),
    subscribe: (target) => socket.timeout(5000).emitWithAck("subscribe", target),
    close: () => void socket.close(),
  };
}

/** Connects with `auth: {token, lastEventId}`; resolves once connected (rejects on connect_error). */
export async function connectSocket(url: string, token: string, options: ConnectOptions = {}): Promise<TestSocket> {
  const socket = io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: options.reconnection ?? false,
    forceNew: true,
    ...(options.ca ? { ca: options.ca } : {}),
    auth: { token, ...(options.lastEventId !== undefined ? { lastEventId: options.lastEventId } : {}) },
  });
  const recorded = record(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
  return recorded;
}

/** The `connect_error` message a handshake with this `auth` gets. */
export async function handshakeError(url: string, auth: Record<string, unknown>): Promise<string> {
  const socket = io(url, { path: "/socket.io", transports: ["websocket"], reconnection: false, forceNew: true, auth });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once("connect", () => reject(new Error("the handshake succeeded")));
      socket.once("connect_error", (err) => resolve(err.message));
    });
  } finally {
    socket.close();
  }
}

/**
 * Runs a command that emits these events (as domain commands do) and returns their public ids, once
 * the event relay has given them (shared/events/relay.ts): the first events after the command's
 * start with the same type, audience and data, in input order. Tests give each a distinct payload.
 */
export async function emitEvents(orm: Orm, inputs: EventInput<EventType>[]): Promise<number[]> {
  const execute = <T>(text: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(text, params);
  const [{ before }] = await execute<{ before: string }>("select coalesce(max(id), 0) as before from public_events");
  await runCommand(orm, async (tx) => {
    for (const input of inputs) await tx.emit(input);
  });
  const matched = async () => {
    const rows = await execute<{ ids: string[] | null }>(
      `select array(select e.id from public_events e
                     where e.id > ? and e.type = i.value->>'type' and e.data = i.value->'data'
                       and e.user_ids = array(select jsonb_array_elements_text(i.value->'userIds'))::uuid[]
                     order by e.id) as ids
         from jsonb_array_elements(?::jsonb) with ordinality as i(value, ord) order by i.ord`,
      [
        before,
        JSON.stringify(inputs.map((i) => ({ type: i.type, data: i.data, userIds: [...new Set(i.userIds ?? [])] }))),
      ],
    );
    // Identical inputs share their matches: the k-th of them takes the k-th match.
    const taken = new Map<string, number>();
    const ids = rows.map((row, i) => {
      const key = JSON.stringify(inputs[i]);
      const k = taken.get(key) ?? 0;
      taken.set(key, k + 1);
      return row.ids?.[k];
    });
    return ids.every((id) => id !== undefined) ? ids.map(Number) : null;
  };
  return eventually(matched, "the event relay to give the events their ids", { intervalMs: 10 });
}

/** Gives the sockets time to receive anything still in flight (to assert that nothing came). */
export const settle = (ms = 400) => sleep(ms);

export const subscribeTo = (s: TestSocket, target: SubscribeTarget) => s.subscribe(target);
