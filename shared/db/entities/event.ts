import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

/**
 * The outbox and replay log. Written in the same transaction as the change it describes; the id
 * (bigint identity) orders events, so "every event for me after N" is one index range.
 */
export const Event = defineEntity({
  name: "Event",
  tableName: "events",
  indexes: [
    { name: "events_user_ids_idx", expression: "create index events_user_ids_idx on events using gin (user_ids)" },
    {
      name: "events_unpublished_idx",
      expression: "create index events_unpublished_idx on events (id) where published_at is null",
    },
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
    publishedAt: p.datetime().nullable(),
  },
});
export type IEvent = InferEntity<typeof Event>;
