import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

export const LoginEvent = defineEntity({
  name: "LoginEvent",
  tableName: "login_events",
  indexes: [
    { name: "login_events_user_idx", properties: ["userId", "createdAt"] },
    // Pruning by age (LOGIN_EVENT_RETENTION_DAYS).
    { name: "login_events_created_at_idx", properties: ["createdAt"] },
    // Partial indexes (raw SQL in the migration loginGeoIp): the new-login check, brute-force counts.
    {
      name: "login_events_user_success_idx",
      expression:
        'create index "login_events_user_success_idx" on "login_events" ("user_id", "created_at") where "success"',
    },
    {
      name: "login_events_ip_failed_idx",
      expression:
        'create index "login_events_ip_failed_idx" on "login_events" ("ip", "created_at") where not "success"',
    },
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
    // "login" or "register" (a registration refused by the IP blocklist is on record too).
    attempt: p.enum(["login", "register"]).default("login"),
    // Refused by the admin IP blocklist (403 blocked) before the password was checked.
    blocked: p.boolean().default(false),
    // What the IP and User-Agent said when the attempt was recorded (shared/geoip/).
    ipKind: p.enum(["public", "private", "loopback", "reserved", "unknown"]).default("unknown"),
    country: p.string().length(2).nullable(),
    region: p.text().nullable(),
    city: p.text().nullable(),
    asn: p.integer().nullable(),
    asOrg: p.text().nullable(),
    browser: p.text().nullable(),
    os: p.text().nullable(),
    createdAt: createdAt(),
  },
});
export type ILoginEvent = InferEntity<typeof LoginEvent>;
