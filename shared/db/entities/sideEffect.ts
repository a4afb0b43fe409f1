import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

/**
 * A consequence that must happen outside the database (an email, a refund), recorded in the
 * transaction of the change that causes it. The worker's relay turns each into one Agenda job
 * (keyed by id, so never two); the handler sets doneAt, so running it again does nothing.
 */
export const SideEffect = defineEntity({
  name: "SideEffect",
  tableName: "side_effects",
  indexes: [
    {
      name: "side_effects_unenqueued_idx",
      expression: "create index side_effects_unenqueued_idx on side_effects (id) where enqueued_at is null",
    },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    kind: p.string().length(60),
    // Idempotency key of the effect itself (e.g. "email:booking_confirmed:<bookingId>:guest").
    key: p.string().length(200).unique("side_effects_key_unique"),
    payload: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
    enqueuedAt: p.datetime().nullable(),
    doneAt: p.datetime().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
  },
});
export type ISideEffect = InferEntity<typeof SideEffect>;
