import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { singleLine } from "../../text.js";
import type { Actor } from "../accounts/tokens.js";
import { MAX_NIGHTS, nightsBetween, stayDate, todayUtc } from "../bookings/stayInput.js";
import { assertMayManageListing } from "./policy.js";

/**
 * How far ahead a block may reach (its checkOut at most this many days from today). The calendar a
 * host manages is finite, and so is the list of future blocks (GET /listings/:id/blocks returns them
 * all, unpaginated: at most one block per night of this horizon).
 */
export const BLOCK_HORIZON_DAYS = 730;

/** What a host sends to block nights: [checkIn, checkOut) like a stay, from today on. */
export const blockInputSchema = z
  .strictObject({
    checkIn: stayDate,
    checkOut: stayDate,
    note: singleLine({ max: 200 }).optional().meta({ description: "For the host only (never shown to guests)." }),
  })
  .superRefine((block, ctx) => {
    // zod may run this even when a field failed; only judge dates that parsed.
    if (!stayDate.safeParse(block.checkIn).success || !stayDate.safeParse(block.checkOut).success) return;
    const today = todayUtc();
    if (block.checkIn < today) ctx.addIssue({ code: "custom", path: ["checkIn"], message: "must not be in the past" });
    const nights = nightsBetween(block.checkIn, block.checkOut);
    if (nights < 1) ctx.addIssue({ code: "custom", path: ["checkOut"], message: "must be after checkIn" });
    if (nights > MAX_NIGHTS)
      ctx.addIssue({ code: "custom", path: ["checkOut"], message: `a block is at most ${MAX_NIGHTS} nights` });
    if (nightsBetween(today, block.checkOut) > BLOCK_HORIZON_DAYS)
      ctx.addIssue({
        code: "custom",
        path: ["checkOut"],
        message: `must be at most ${BLOCK_HORIZON_DAYS} days from today`,
      });
  })
  .meta({ id: "BlockInput" });
export type BlockInput = z.output<typeof blockInputSchema>;

/** A block as its host sees it: the one definition (the presenter's schema and OpenAPI derive from it). */
export const blockViewSchema = z.object({
  id: z.uuid(),
  listingId: z.uuid(),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  nights: z.int(),
  note: z.string().nullable(),
  createdById: z.uuid(),
  createdAt: z.iso.datetime(),
  source: z.enum(["host", "feed"]).meta({
    description: "host: blocked by the host here; feed: imported from one of the listing's calendar feeds.",
  }),
  feedId: z.uuid().nullable().meta({ description: "The calendar feed an imported block comes from." }),
});
export type BlockView = z.infer<typeof blockViewSchema>;

/** The columns of a BlockView over listing_blocks `x` (stay_nights() and utc_iso(): migration bookingReadModel). */
export const BLOCK_VIEW_SQL = `jsonb_build_object('id', x.id, 'listingId', x.listing_id,
  'checkIn', to_char(x.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(x.check_out, 'YYYY-MM-DD'),
  'nights', stay_nights(x.check_in, x.check_out), 'note', x.note, 'createdById', x.created_by_id,
  'createdAt', utc_iso(x.created_at), 'source', case when x.feed_id is null then 'host' else 'feed' end,
  'feedId', x.feed_id) as view`;

/** The listing's blocks whose last night is today or later (UTC, the API's calendar), by check-in. */
export async function futureBlocks(em: EntityManager, listingId: string, now = new Date()): Promise<BlockView[]> {
  const rows = await sql(em)<{ view: BlockView }>(
    `select ${BLOCK_VIEW_SQL} from listing_blocks x
      where x.listing_id = ? and x.check_out > ?::date order by x.check_in`,
    [listingId, todayUtc(now)],
  );
  return rows.map((r) => r.view);
}

/**
 * The listing's host, for the policy: 404 for an unknown listing, 403 for a user who may not manage
 * it (listings are public, so there is nothing to hide: as PATCH /listings/:id answers).
 */
export async function assertMayManageBlocks(em: EntityManager, actor: Actor, listingId: string): Promise<void> {
  const [listing] = await sql(em)<{ host_id: string }>("select host_id from listings where id = ?", [listingId]);
  if (!listing) throw notFound("listing");
  assertMayManageListing(actor, { hostId: listing.host_id });
}
