import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

/**
 * The replay log. Rows come from the event relay (shared/events/relay.ts), which moves committed
 * events here from the outbox one batch at a time: the id orders events and ids become visible in
 * id order, so "every event for me after N" is one index range that can never fill in later.
 */
export const Event = defineEntity({
  name: "Event",
  tableName: "events",
  indexes: [
    { name: "events_user_ids_idx", expression: "create index events_user_ids_idx on events using gin (user_ids)" },
    { name: "events_created_at_idx", properties: ["createdAt"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    type: p.string().length(60),
    // The users who receive it (their rooms) and may replay it.
    userIds: p.array<string>().columnType("uuid[]").default("{}"),
    // Set for listing-wide events (the listing's availability room).
    listingId: p.uuid().nullable(),
    data: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
});
export type IEvent = InferEntity<typeof Event>;

/**
 * Where commands write their events, in their own transaction and without any lock (migration
 * eventRelay). Its rows below the watermark are final and have their public ids already (the
 * final_outbox view, migration eventWatermark); the relay publishes them, then moves them to `events`.
 * An id here is only an arrival order within one transaction (xmin).
 */
export const EventOutbox = defineEntity({
  name: "EventOutbox",
  tableName: "event_outbox",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    type: p.string().length(60),
    userIds: p.array<string>().columnType("uuid[]").default("{}"),
    listingId: p.uuid().nullable(),
    data: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
});
export type IEventOutbox = InferEntity<typeof EventOutbox>;

/** One row: the last public event id the relay leader handed to Redis (published_through). */
export const EventRelayState = defineEntity({
  name: "EventRelayState",
  tableName: "event_relay_state",
  properties: {
    singleton: p.boolean().primary().default(true),
    publishedThrough: p.bigint("number"),
    updatedAt: p.datetime().defaultRaw("now()"),
  },
});
export type IEventRelayState = InferEntity<typeof EventRelayState>;
