import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { createdAt } from "./timestamps.js";

/**
 * The admin IP blocklist (migration loginGeoIp): login and register from an address inside an active
 * range answer 403 blocked. Read and written in SQL (shared/domain/security/ipBlocks.ts: `cidr >>= inet`);
 * declared here so schema diffs know the table.
 */
export const IpBlock = defineEntity({
  name: "IpBlock",
  tableName: "ip_blocks",
  indexes: [
    // Raw SQL in the migration; declared here so the next migration diff does not drop it.
    {
      name: "ip_blocks_cidr_idx",
      expression: 'create index "ip_blocks_cidr_idx" on "ip_blocks" using gist ("cidr" inet_ops)',
    },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    cidr: p.string().columnType("cidr"),
    reason: p.text(),
    expiresAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: createdAt(),
    hits: p.integer().default(0),
    lastHitAt: p.datetime().nullable(),
  },
});
export type IIpBlock = InferEntity<typeof IpBlock>;

/** An admin security alert raised (brute force), once per kind, subject and window. */
export const SecurityAlert = defineEntity({
  name: "SecurityAlert",
  tableName: "security_alerts",
  indexes: [{ name: "security_alerts_subject_idx", properties: ["kind", "subject", "createdAt"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    kind: p.text(),
    subject: p.text(),
    data: p.json<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
});
export type ISecurityAlert = InferEntity<typeof SecurityAlert>;

/** The worker's samples of the operations page's gauges (sampleOperations). */
export const OpsSample = defineEntity({
  name: "OpsSample",
  tableName: "ops_samples",
  indexes: [{ name: "ops_samples_at_idx", properties: ["at"] }],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    at: p.datetime().defaultRaw("now()"),
    sockets: p.integer(),
    queueDepth: p.integer(),
    failedJobs: p.integer(),
  },
});
export type IOpsSample = InferEntity<typeof OpsSample>;
