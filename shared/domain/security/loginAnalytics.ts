import { z } from "zod";
import { sql } from "../../db/sql.js";
import { digits } from "../../text.js";
import { defineQuery } from "../commands/define.js";

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;

const instant = z.iso.datetime({ offset: true }).meta({ description: "ISO-8601 instant." });

const rangeShape = {
  from: instant.optional().meta({ description: "Start (inclusive); default 7 days before `to`." }),
  to: instant.optional().meta({ description: "End (exclusive); default now." }),
};

/** [from, to) as Dates: default the last 7 days, at most MAX_RANGE_DAYS; a bad range is an issue on `from`. */
function readRange(q: { from?: string; to?: string }, ctx: z.RefinementCtx): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * DAY_MS);
  if (from >= to) ctx.addIssue({ code: "custom", path: ["from"], message: "Must be before `to`." });
  else if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    ctx.addIssue({ code: "custom", path: ["from"], message: `At most ${MAX_RANGE_DAYS} days before \`to\`.` });
  return { from, to };
}

export const loginAnalyticsQuery = z
  .object({ ...rangeShape, groupBy: z.enum(["country", "day", "asn"]).default("day") })
  .strict();
const analyticsInput = loginAnalyticsQuery.transform((q, ctx) => ({ ...q, ...readRange(q, ctx) }));

export const loginAnalyticsRowSchema = z
  .object({
    key: z.string().nullable().meta({
      description:
        "The group: an ISO country code, a UTC day (YYYY-MM-DD) or an AS number; null: not known (private address, not in the database).",
    }),
    label: z.string().nullable().meta({ description: "For asn: the AS organisation." }),
    successes: z.int(),
    failures: z.int().meta({ description: "Failed attempts (wrong password, unknown email, rate limited)." }),
    blocked: z.int().meta({ description: "Attempts refused by the IP blocklist." }),
    distinctAccounts: z.int().meta({ description: "Accounts with at least one attempt (success or failure)." }),
  })
  .meta({ id: "LoginAnalyticsRow" });
export type LoginAnalyticsRow = z.infer<typeof loginAnalyticsRowSchema>;

const GROUP_SQL = {
  country: { key: "e.country", label: "null::text" },
  day: { key: "to_char(e.created_at at time zone 'utc', 'YYYY-MM-DD')", label: "null::text" },
  asn: { key: "e.asn::text", label: "max(e.as_org)" },
} as const;

/** GET /admin/analytics/logins: successes, failures and distinct accounts by country, day or ASN. */
export const loginAnalytics = defineQuery({
  name: "security.loginAnalytics",
  input: analyticsInput,
  async run({ input, em }) {
    const group = GROUP_SQL[input.groupBy];
    const rows = await sql(em)<LoginAnalyticsRow>(
      `select ${group.key} as key, ${group.label} as label,
              count(*) filter (where e.success)::int as successes,
              count(*) filter (where not e.success and not e.blocked)::int as failures,
              count(*) filter (where e.blocked)::int as blocked,
              count(distinct e.user_id)::int as "distinctAccounts"
         from login_events e
        where e.created_at >= ? and e.created_at < ?
        group by 1
        order by ${input.groupBy === "day" ? "1" : "count(*) desc, 1"}`,
      [input.from, input.to],
    );
    return { from: input.from.toISOString(), to: input.to.toISOString(), groupBy: input.groupBy, data: rows };
  },
});

export const rankingQueryShape = z.object({ ...rangeShape, limit: digits({ min: 1, max: 100 }).default(20) }).strict();
const rankingInput = rankingQueryShape.transform((q, ctx) => ({ ...q, ...readRange(q, ctx) }));

export const failingIpSchema = z
  .object({
    ip: z.string(),
    failures: z.int(),
    distinctAccounts: z.int().meta({ description: "Distinct emails it tried." }),
    country: z.string().nullable(),
    asn: z.int().nullable(),
    asOrg: z.string().nullable(),
    lastAt: z.iso.datetime(),
    blocked: z.boolean().meta({ description: "An active blocklist entry covers it now." }),
  })
  .meta({ id: "FailingIp" });

/** GET /admin/analytics/failing-ips: the IPs with the most failed logins in the range. */
export const topFailingIps = defineQuery({
  name: "security.topFailingIps",
  input: rankingInput,
  async run({ input, em }) {
    const data = await sql(em)<z.infer<typeof failingIpSchema>>(
      `select e.ip, count(*)::int as failures, count(distinct lower(e.email))::int as "distinctAccounts",
              max(e.country) as country, max(e.asn) as asn, max(e.as_org) as "asOrg", utc_iso(max(e.created_at)) as "lastAt",
              exists (select 1 from ip_blocks b where b.cidr >>= e.ip::inet
                         and (b.expires_at is null or b.expires_at > now())) as blocked
         from login_events e
        where not e.success and not e.blocked and e.ip is not null and e.ip_kind <> 'unknown'
          and e.created_at >= ? and e.created_at < ?
        group by e.ip
        order by failures desc, e.ip
        limit ?`,
      [input.from, input.to, input.limit],
    );
    return { data };
  },
});

export const targetedAccountSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    failures: z.int(),
    distinctIps: z.int(),
    countries: z.array(z.string()),
    lastAt: z.iso.datetime(),
  })
  .meta({ id: "TargetedAccount" });

/** GET /admin/analytics/targeted-accounts: the accounts with the most failed logins against them. */
export const targetedAccounts = defineQuery({
  name: "security.targetedAccounts",
  input: rankingInput,
  async run({ input, em }) {
    const data = await sql(em)<z.infer<typeof targetedAccountSchema>>(
      `select e.user_id as "userId", max(e.email) as email, count(*)::int as failures,
              count(distinct e.ip)::int as "distinctIps",
              coalesce(array_agg(distinct e.country) filter (where e.country is not null), '{}') as countries,
              utc_iso(max(e.created_at)) as "lastAt"
         from login_events e
        where not e.success and not e.blocked and e.user_id is not null
          and e.created_at >= ? and e.created_at < ?
        group by e.user_id
        order by failures desc, "distinctIps" desc, e.user_id
        limit ?`,
      [input.from, input.to, input.limit],
    );
    return { data };
  },
});
