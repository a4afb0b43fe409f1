import "./helpers/env.js";
import test from "ava";
import { ROLES } from "../shared/domain/accounts/role.js";
import { ACTIVE_BOOKING_STATUSES, BOOKING_STATUSES, CANCELLED_BY } from "../shared/domain/bookings/status.js";
import { bookingViewSchema } from "../shared/domain/bookings/view.js";
import { CURRENCIES } from "../shared/domain/currency.js";
import { LISTING_STATUSES } from "../shared/domain/listings/status.js";
import { PAYMENT_MODES, PAYMENT_STATUSES, REFUND_STATUSES } from "../shared/domain/payments/status.js";
import { createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Each enum and the booking read model are defined once; what PostgreSQL must also know (check
 * constraints, the exclusion constraint's predicate) is written in migrations, and these tests hold
 * it to the one definition.
 */
const { api } = useApp();

/** The quoted words of a constraint or trigger definition, e.g. `status in ('a', 'b')` → [a, b]. */
const quoted = (definition: string) => [...definition.matchAll(/'([A-Za-z_]+)'/g)].map((m) => m[1]);

test("every check constraint on an enum column lists exactly its tuple", async (t) => {
  const expected: Record<string, readonly string[]> = {
    "users.role": ROLES,
    "listings.currency": CURRENCIES,
    "listings.status": LISTING_STATUSES,
    "bookings.currency": CURRENCIES,
    "bookings.status": BOOKING_STATUSES,
    "bookings.cancelled_by": CANCELLED_BY,
    "payments.currency": CURRENCIES,
    "payments.status": PAYMENT_STATUSES,
    "payments.mode": PAYMENT_MODES,
    "payments.refund_status": REFUND_STATUSES,
  };
  const { rows } = await db().query<{ tbl: string; col: string; def: string }>(
    `select c.conrelid::regclass::text as tbl, a.attname as col, pg_get_constraintdef(c.oid) as def
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'c' and cardinality(c.conkey) = 1 and pg_get_constraintdef(c.oid) like '%ANY%'`,
  );
  const found = Object.fromEntries(rows.map((r) => [`${r.tbl}.${r.col}`, quoted(r.def)]));
  for (const [column, tuple] of Object.entries(expected)) t.deepEqual(found[column], [...tuple], column);
});

test("the exclusion constraint and the overlap trigger guard exactly ACTIVE_BOOKING_STATUSES", async (t) => {
  const { rows } = await db().query<{ constraint: string; trigger: string; guard: string }>(
    `select (select pg_get_constraintdef(oid) from pg_constraint where conname = 'bookings_no_overlap') as constraint,
            (select pg_get_triggerdef(oid) from pg_trigger where tgname = 'bookings_guard_overlap') as trigger,
            (select prosrc from pg_proc where proname = 'bookings_guard_overlap') as guard`,
  );
  const { constraint, trigger, guard } = rows[0];
  t.deepEqual(quoted(constraint.slice(constraint.indexOf("WHERE"))), [...ACTIVE_BOOKING_STATUSES]);
  t.deepEqual(quoted(trigger.slice(trigger.indexOf("WHEN"))), [...ACTIVE_BOOKING_STATUSES]);
  t.deepEqual(quoted(guard.slice(guard.indexOf("|| ''"), guard.indexOf(" then"))), [...ACTIVE_BOOKING_STATUSES]);
});

test("booking_blocks_dates(): confirmed or an unexpired hold or request; whatever blocks is active (the constraint's predicate)", async (t) => {
  const { rows } = await db().query<{ status: string; expiry: string; blocks: boolean | null }>(
    `select s.status, e.name as expiry, booking_blocks_dates(s.status, e.at) as blocks
       from unnest($1::text[]) as s(status),
            (values ('past', now() - interval '1 minute'), ('future', now() + interval '1 minute'),
                    ('none', null::timestamptz)) as e(name, at)`,
    [[...BOOKING_STATUSES]],
  );
  t.is(rows.length, BOOKING_STATUSES.length * 3);
  for (const r of rows) {
    const expected =
      r.status === "confirmed" ||
      ((r.status === "pending_payment" || r.status === "pending_approval") && r.expiry === "future");
    t.is(r.blocks === true, expected, `${r.status} with ${r.expiry} expiry`);
    if (r.blocks) t.true((ACTIVE_BOOKING_STATUSES as readonly string[]).includes(r.status), r.status);
  }
});

test("stay_nights() and stay_total(): nights × price; a total beyond an int is 22003", async (t) => {
  const { rows } = await db().query(
    "select stay_nights('2030-02-27', '2030-03-02') as nights, stay_total(12550, '2030-02-27', '2030-03-02') as total",
  );
  t.deepEqual(rows[0], { nights: 3, total: 37_650 });
  const err = await t.throwsAsync(db().query("select stay_total(2000000000, '2030-01-01', '2030-01-03')"));
  t.is((err as { code?: string }).code, "22003");
});

test("booking_view() yields exactly the fields of bookingViewSchema, for a hold and after every status change", async (t) => {
  const host = await createHost();
  const listing = await createListing(host, { pricePerNight: 10_000 });
  const guest = await createGuest();
  const res = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(30), checkOut: day(33), guests: 1 },
    guest.auth,
  );
  t.is(res.status, 201);
  const strict = bookingViewSchema.strict();
  t.deepEqual(strict.parse(res.body.booking), res.body.booking);
  for (const status of BOOKING_STATUSES) {
    const { rows } = await db().query(
      `update bookings b set status = $2 from listings l, users g
        where b.id = $1 and l.id = b.listing_id and g.id = b.guest_id
        returning booking_view(b, l.title, l.host_id, g.name) as view`,
      [res.body.booking.id, status],
    );
    const view = strict.parse(rows[0].view);
    t.is(view.status, status);
    t.is(view.nights, 3);
    t.is(view.totalPrice, 30_000);
    // A hold's payment deadline, or a request's approval deadline.
    t.is(view.expiresAt === null, status !== "pending_payment" && status !== "pending_approval", status);
  }
});
