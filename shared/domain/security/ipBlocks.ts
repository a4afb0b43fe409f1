import { isIP } from "node:net";
import { z } from "zod";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { unmapped } from "../../geoip/addressKind.js";
import { keysetPage, type Page, pageInput } from "../../pagination.js";
import { singleLine } from "../../text.js";
import { defineCommand, defineQuery } from "../commands/define.js";

/** "203.0.113.0/24", "2001:db8::/32" or a bare address (a /32 or /128); host bits are cleared on save. */
export const cidrField = z
  .string()
  .max(64)
  .refine((value) => {
    const [address, prefix, ...rest] = value.trim().split("/");
    const family = isIP(address ?? "");
    if (!family || rest.length) return false;
    if (prefix === undefined) return true;
    if (!/^\d{1,3}$/.test(prefix)) return false;
    return Number(prefix) <= (family === 4 ? 32 : 128);
  }, "Not an IPv4 or IPv6 CIDR range (like 203.0.113.0/24 or 2001:db8::/32).")
  .meta({ description: "An IPv4 or IPv6 CIDR range, or one address.", example: "203.0.113.0/24" });

export const ipBlockViewSchema = z
  .object({
    id: z.uuid(),
    cidr: z.string(),
    reason: z.string(),
    expiresAt: z.iso.datetime().nullable().meta({ description: "Null: until removed." }),
    active: z.boolean().meta({ description: "False once expiresAt has passed (it then blocks nothing)." }),
    createdBy: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    hits: z.int().meta({ description: "Requests it refused." }),
    lastHitAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "IpBlock" });
export type IpBlockView = z.infer<typeof ipBlockViewSchema>;

const VIEW_SQL = `jsonb_build_object('id', b.id, 'cidr', b.cidr::text, 'reason', b.reason,
  'expiresAt', utc_iso(b.expires_at), 'active', (b.expires_at is null or b.expires_at > now()),
  'createdBy', b.created_by, 'createdAt', utc_iso(b.created_at), 'hits', b.hits, 'lastHitAt', utc_iso(b.last_hit_at))`;

export const addIpBlockInput = z
  .object({
    cidr: cidrField,
    reason: singleLine({ max: 500 }).pipe(z.string().min(1, "Say why (shown to admins).")),
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .default(null)
      .refine((at) => at === null || Date.parse(at) > Date.now(), "Must be in the future (or null: until removed)."),
  })
  .strict()
  .meta({
    id: "IpBlockRequest",
    examples: [{ cidr: "203.0.113.0/24", reason: "credential stuffing", expiresAt: null }],
  });

/** POST /admin/ip-blocks (admin). */
export const addIpBlock = defineCommand({
  name: "security.addIpBlock",
  input: addIpBlockInput,
  async run({ actor, input, tx }): Promise<IpBlockView> {
    const [address, prefix] = input.cidr.trim().split("/");
    const bits = prefix ?? (isIP(address) === 4 ? "32" : "128");
    const [row] = await sql(tx.em)<{ view: IpBlockView }>(
      `with b as (insert into ip_blocks (cidr, reason, expires_at, created_by)
                  values (network(set_masklen(?::inet, ?::int)), ?, ?::timestamptz, ?) returning *)
       select ${VIEW_SQL} as view from b`,
      [address, Number(bits), input.reason, input.expiresAt, actor.id],
    );
    return row.view;
  },
});

/** GET /admin/ip-blocks (admin): newest first, expired ones included (marked inactive). */
export const listIpBlocks = defineQuery({
  name: "security.listIpBlocks",
  input: pageInput,
  run: ({ input, em }): Promise<Page<IpBlockView>> =>
    keysetPage(
      em,
      { table: "ip_blocks", alias: "b", order: "newest", where: ["true"], params: [], page: input },
      async (where, params, orderAndLimit) =>
        (
          await sql(em)<{ view: IpBlockView }>(
            `select ${VIEW_SQL} as view from ip_blocks b where ${where} ${orderAndLimit}`,
            params,
          )
        ).map((r) => r.view),
    ),
});

/** DELETE /admin/ip-blocks/:id (admin). */
export const removeIpBlock = defineCommand({
  name: "security.removeIpBlock",
  input: z.object({ blockId: z.uuid() }),
  async run({ input, tx }) {
    const rows = await sql(tx.em)("delete from ip_blocks where id = ? returning id", [input.blockId]);
    if (!rows.length) throw notFound("IP block");
  },
});

/**
 * The active block covering `ip` (`cidr >>= ip` through the GiST inet_ops index, the narrowest
 * first), counted as a hit; null when none does. `record` says whether this refusal goes into the
 * login events too: a blocked address is refused before any rate limit, so to keep a flood from
 * filling the audit trail, one refusal a second per block is recorded (`hits` counts them all).
 */
export async function findIpBlock(
  orm: Orm,
  ip: string | null | undefined,
): Promise<{ id: string; record: boolean } | null> {
  if (!ip) return null;
  const address = unmapped(ip);
  if (!isIP(address)) return null;
  const [row] = await sql(orm.em.fork())<{ id: string; record: boolean }>(
    `with hit as (
       select id, last_hit_at from ip_blocks
        where cidr >>= ?::inet and (expires_at is null or expires_at > now())
        order by masklen(cidr) desc limit 1)
     update ip_blocks b set hits = b.hits + 1, last_hit_at = now()
       from hit where b.id = hit.id
     returning b.id, (hit.last_hit_at is null or hit.last_hit_at < now() - interval '1 second') as record`,
    [address],
  );
  return row ?? null;
}
