import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

/** First response to (user, route, key); a replay returns it, another body is a conflict. */
export const IdempotencyKey = defineEntity({
  name: "IdempotencyKey",
  tableName: "idempotency_keys",
  primaryKeys: ["userId", "scope", "key"],
  properties: {
    userId: p.uuid().primary(),
    scope: p.string().length(120).primary(),
    key: p.string().length(255).primary(),
    requestHash: p.string().length(64),
    statusCode: p.smallint().nullable(),
    response: p.json<unknown>().nullable(),
    createdAt: createdAt(),
  },
});
export type IIdempotencyKey = InferEntity<typeof IdempotencyKey>;
