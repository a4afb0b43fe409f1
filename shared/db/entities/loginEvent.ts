import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

export const LoginEvent = defineEntity({
  name: "LoginEvent",
  tableName: "login_events",
  indexes: [
    { name: "login_events_user_idx", properties: ["userId", "createdAt"] },
    // Pruning by age (LOGIN_EVENT_RETENTION_DAYS).
    { name: "login_events_created_at_idx", properties: ["createdAt"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    // Null when the email matched no account.
    userId: p.uuid().nullable(),
    email: p.string().length(320),
    ip: p.string().length(64).nullable(),
    userAgent: p.text().nullable(),
    success: p.boolean(),
    // Refused by a login rate limit before the password was checked (success is then false).
    rateLimited: p.boolean().default(false),
    createdAt: createdAt(),
  },
});
export type ILoginEvent = InferEntity<typeof LoginEvent>;
