import type pg from "pg";

/**
 * The ids of a city's active listings free over [checkIn, checkOut) by search's rule, read straight
 * from PostgreSQL (no blocking booking, no block over the nights), sorted: what a search must show.
 */
export async function freeListingIds(
  pool: pg.Pool,
  city: string,
  checkIn: string,
  checkOut: string,
): Promise<string[]> {
  const { rows } = await pool.query(
    `select l.id from listings l where lower(l.city) = lower($1) and l.status = 'active'
        and not exists (select 1 from bookings b where b.listing_id = l.id
                         and booking_blocks_dates(b.status, b.expires_at)
                         and daterange(b.check_in, b.check_out) && daterange($2::date, $3::date))
        and not exists (select 1 from listing_blocks x where x.listing_id = l.id
                         and x.check_in < $3::date and x.check_out > $2::date)
      order by l.id`,
    [city, checkIn, checkOut],
  );
  return rows.map((r) => r.id as string);
}
