import { sql } from "../../db/sql.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { blockedRanges } from "./availability.js";

/**
 * Advisory-lock namespace for "the blocked dates of one listing". The two-key form keeps these
 * locks apart from any single-key advisory lock another library might take.
 */
export const AVAILABILITY_LOCK_NAMESPACE = 7_341;

/**
 * Serialises every change to one listing's blocked dates until the transaction ends. The exclusion
 * constraint alone already prevents double bookings; this lock is for the `listing.availability`
 * event: without it, two transactions on the same listing could each compute `blocked` without the
 * other's uncommitted booking, and the last event published would show booked dates as free.
 *
 * Take it FIRST in a transaction (before locking any booking row), so lock order is always
 * listing → booking and two commands can never deadlock.
 */
export async function lockListingAvailability(tx: CommandTx, listingId: string): Promise<void> {
  await sql(tx.em)(`select ${LOCK_LISTING_SQL}`, [listingId]);
}

/** The lock of lockListingAvailability as an SQL expression (listing id bound at `?`), to share a round trip. */
export const LOCK_LISTING_SQL = `pg_advisory_xact_lock(${AVAILABILITY_LOCK_NAMESPACE}, hashtext(?::uuid::text))`;

/**
 * Takes, without waiting, the availability locks of these listings (re-entrant: a lock this
 * transaction already holds is granted again). Returns the ids it got; a busy listing is being
 * changed by another transaction right now and is left for later.
 */
export async function tryLockListingsAvailability(tx: CommandTx, listingIds: string[]): Promise<string[]> {
  if (!listingIds.length) return [];
  const rows = await sql(tx.em)<{ id: string }>(
    `select id::text as id from unnest(?::uuid[]) as l(id)
      where pg_try_advisory_xact_lock(${AVAILABILITY_LOCK_NAMESPACE}, hashtext(id::text))`,
    [`{${listingIds.join(",")}}`],
  );
  return rows.map((r) => r.id);
}

/** Records `listing.availability` with the listing's blocked stays as this transaction will commit them. */
export async function emitAvailabilityChanged(tx: CommandTx, listingId: string): Promise<void> {
  const blocked = await blockedRanges(tx.em, listingId);
  await tx.emit({ type: "listing.availability", listingId, userIds: [], data: { listingId, blocked } });
}
