import "./helpers/env.js";
import "./helpers/chapa.js";
import "./helpers/generousRateLimits.js";
import "./helpers/platformFees.js";

import test from "ava";
import { signQuote } from "../shared/domain/pricing/quoteToken.js";
import { completeCheckout } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { bookingRow, usePaymentsStack } from "./helpers/payments.js";

/**
 * GET /listings/:id/quote and the agreement between a quote and the booking made from it (the signed
 * quote token: see shared/domain/pricing/quoteToken.ts), through the real app, PostgreSQL and the
 * Chapa sandbox: the quote, the booking's stored lines, search's total and the payment's amount agree.
 */
const { api } = usePaymentsStack();

const RULES = {
  weekendPrice: 15_000,
  cleaningFee: 2_500,
  includedGuests: 2,
  extraGuestFee: 1_000,
  weeklyDiscountPercent: 10,
  monthlyDiscountPercent: 20,
  overrides: [{ from: day(40), to: day(50), pricePerNight: 12_000, label: "High season" }],
};

async function pricedListing(host: TestUser, city = "Addis Ababa") {
  const listing = await createListing(host, { pricePerNight: 10_000, city });
  const res = await api.patch(`/api/v1/listings/${listing.id}`, { pricing: RULES }, host.auth);
  if (res.status !== 200) throw new Error(`pricing: ${res.status} ${JSON.stringify(res.body)}`);
  return listing;
}

const quote = (listingId: string, checkIn: string, checkOut: string, guests = 1) =>
  api.get(`/api/v1/listings/${listingId}/quote?checkIn=${checkIn}&checkOut=${checkOut}&guests=${guests}`);

const sumOf = (lines: { amount: number }[]) => lines.reduce((s, l) => s + l.amount, 0);

test("a quote itemises the stay (nights by rule, extra guests, discount, cleaning, service fee, taxes) and its total is the sum", async (t) => {
  const host = await createHost();
  const listing = await pricedListing(host);
  const res = await quote(listing.id, day(38), day(46), 4);
  t.is(res.status, 200);
  const kinds = res.body.lines.map((l: { kind: string }) => l.kind);
  t.true(kinds.includes("nights"));
  t.deepEqual(kinds.slice(kinds.lastIndexOf("nights") + 1), [
    "extra_guests",
    "discount",
    "cleaning_fee",
    "service_fee",
    "taxes",
  ]);
  t.is(res.body.total, sumOf(res.body.lines));
  t.is(res.body.currency, "ETB");
  t.true(res.body.lines.some((l: { label: string }) => l.label.includes("High season")));
  t.is(res.body.lines.find((l: { kind: string }) => l.kind === "extra_guests").amount, 2 * 1_000 * 8);
  t.true(res.body.lines.find((l: { kind: string }) => l.kind === "discount").amount < 0);
  t.truthy(res.body.quoteToken);
  t.true(Date.parse(res.body.expiresAt) > Date.now());
});

test("quote = booking: a booking made with the quote's token stores exactly its lines, even after the host changed prices; the payment asks for that total", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const seen = await quote(listing.id, day(30), day(33), 3);
  t.is(seen.status, 200);

  // The host doubles every price between the quote and the booking.
  const changed = await api.patch(
    `/api/v1/listings/${listing.id}`,
    { pricePerNight: 20_000, pricing: { ...RULES, weekendPrice: 30_000, cleaningFee: 5_000 } },
    host.auth,
  );
  t.is(changed.status, 200);
  const now = await quote(listing.id, day(30), day(33), 3);
  t.not(now.body.total, seen.body.total, "the price did change");

  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(30), checkOut: day(33), guests: 3, quoteToken: seen.body.quoteToken },
    guest.auth,
  );
  t.is(booked.status, 201, JSON.stringify(booked.body));
  t.deepEqual(booked.body.booking.priceLines, seen.body.lines);
  t.is(booked.body.booking.totalPrice, seen.body.total);
  const { rows } = await db().query("select total_price, price_lines from bookings where id = $1", [
    booked.body.booking.id,
  ]);
  t.deepEqual(rows[0], { total_price: seen.body.total, price_lines: seen.body.lines });
  const read = await api.get(`/api/v1/bookings/${booked.body.booking.id}`, guest.auth);
  t.deepEqual(read.body.booking.priceLines, seen.body.lines);

  const payment = await api.post(`/api/v1/bookings/${booked.body.booking.id}/payments`, {}, guest.auth);
  t.is(payment.status, 201);
  t.is(payment.body.payment.amount, seen.body.total);
  await completeCheckout(payment.body.payment.checkoutUrl, "success");
  await eventually(
    async () => (await bookingRow(booked.body.booking.id)).status === "confirmed",
    "the booking to be confirmed",
  );
});

test("without a token a booking is priced now, with the same function and lines as the quote", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const seen = await quote(listing.id, day(60), day(68), 1);
  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(60), checkOut: day(68), guests: 1 },
    guest.auth,
  );
  t.is(booked.status, 201);
  t.deepEqual(booked.body.booking.priceLines, seen.body.lines);
  t.is(booked.body.booking.totalPrice, sumOf(booked.body.booking.priceLines));
});

test("an expired token whose price moved is 409 price_changed naming the new total; one whose price stayed books at it", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const stay = { listingId: listing.id, checkIn: day(70), checkOut: day(72), guests: 1 };
  const current = await quote(listing.id, stay.checkIn, stay.checkOut);
  const longAgo = Date.now() - 2 * 60 * 60_000;
  // A token signed two hours ago with the current price: expired, but the price has not moved.
  const stale = signQuote(stay, { lines: current.body.lines, total: current.body.total, currency: "ETB" }, longAgo);
  const same = await api.post("/api/v1/bookings", { ...stay, quoteToken: stale.token }, guest.auth);
  t.is(same.status, 201);
  t.is(same.body.booking.totalPrice, current.body.total);

  const other = { ...stay, checkIn: day(80), checkOut: day(82) };
  const cheap = signQuote(
    other,
    { lines: [{ kind: "nights", label: "2 nights", nights: 2, amount: 100 }], total: 100, currency: "ETB" },
    longAgo,
  );
  const moved = await api.post("/api/v1/bookings", { ...other, quoteToken: cheap.token }, guest.auth);
  t.is(moved.status, 409);
  t.is(moved.body.error.code, "price_changed");
  const now = await quote(listing.id, other.checkIn, other.checkOut);
  t.true(moved.body.error.message.includes((now.body.total / 100).toFixed(2)), moved.body.error.message);

  // A live token is honoured as signed: the same low price, before it expires.
  const fresh = signQuote(other, {
    lines: [{ kind: "nights", label: "2 nights", nights: 2, amount: 100 }],
    total: 100,
    currency: "ETB",
  });
  const kept = await api.post("/api/v1/bookings", { ...other, quoteToken: fresh.token }, guest.auth);
  t.is(kept.status, 201);
  t.is(kept.body.booking.totalPrice, 100);
});

test("a forged, malformed or other stay's token is 400 naming quoteToken, and nothing is booked", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const stay = { listingId: listing.id, checkIn: day(90), checkOut: day(92), guests: 1 };
  const seen = await quote(listing.id, stay.checkIn, stay.checkOut);
  const [body, mac] = seen.body.quoteToken.split(".");
  const tampered = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), total: 1 }),
  ).toString("base64url");
  const cases = {
    forged: `${tampered}.${mac}`,
    malformed: "not-a-token",
    other: (await quote(listing.id, day(90), day(93))).body.quoteToken,
    "other guests": (await quote(listing.id, day(90), day(92), 2)).body.quoteToken,
  };
  for (const [name, quoteToken] of Object.entries(cases)) {
    const res = await api.post("/api/v1/bookings", { ...stay, quoteToken }, guest.auth);
    t.is(res.status, 400, name);
    t.is(res.body.error.details[0].path, "quoteToken", name);
  }
  const { rows } = await db().query("select count(*)::int as n from bookings where listing_id = $1", [listing.id]);
  t.is(rows[0].n, 0);
});

test("a host changing prices while bookings are made: every booking's total is the sum of its lines, at the old or the new price", async (t) => {
  const host = await createHost();
  const listing = await pricedListing(host);
  const guests = await Promise.all(Array.from({ length: 6 }, () => createGuest()));
  const stays = guests.map((_, i) => ({
    listingId: listing.id,
    checkIn: day(100 + 2 * i),
    checkOut: day(101 + 2 * i),
    guests: 1,
  }));
  const before = await Promise.all(stays.map(async (s) => (await quote(listing.id, s.checkIn, s.checkOut)).body.total));
  const results = await Promise.all([
    ...guests.map((guest, i) => api.post("/api/v1/bookings", stays[i], guest.auth)),
    api.patch(`/api/v1/listings/${listing.id}`, { pricePerNight: 50_000, pricing: {} }, host.auth),
  ]);
  const after = await Promise.all(stays.map(async (s) => (await quote(listing.id, s.checkIn, s.checkOut)).body.total));
  results.slice(0, guests.length).forEach((res, i) => {
    t.is(res.status, 201);
    const b = res.body.booking;
    t.is(b.totalPrice, sumOf(b.priceLines));
    t.true([before[i], after[i]].includes(b.totalPrice), `${b.totalPrice} is ${before[i]} or ${after[i]}`);
  });
});

test("search with dates shows each listing's quote total and first photo field; without dates no total", async (t) => {
  const host = await createHost();
  const city = `Quote City ${Date.now()}`;
  const listing = await pricedListing(host, city);
  const q = await quote(listing.id, day(41), day(44), 3);
  const dated = await api.get(
    `/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${day(41)}&checkOut=${day(44)}&guests=3`,
  );
  t.is(dated.status, 200);
  t.is(dated.body.data.length, 1);
  t.is(dated.body.data[0].stayTotal, q.body.total);
  t.deepEqual(dated.body.data[0].photos, []);
  const undated = await api.get(`/api/v1/listings?city=${encodeURIComponent(city)}`);
  t.is(undated.body.data[0].stayTotal, null);
  // The host's change of price reaches the cached search at once.
  await api.patch(`/api/v1/listings/${listing.id}`, { pricing: { ...RULES, cleaningFee: 9_999 } }, host.auth);
  const again = await api.get(
    `/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${day(41)}&checkOut=${day(44)}&guests=3`,
  );
  const q2 = await quote(listing.id, day(41), day(44), 3);
  t.not(q2.body.total, q.body.total);
  t.is(again.body.data[0].stayTotal, q2.body.total);
});

test("bad quotes: 400 for bad dates, past dates, too many guests or nights the listing does not take; 404 unknown or archived", async (t) => {
  const host = await createHost();
  const listing = await pricedListing(host);
  await db().query("update listings set min_nights = 2 where id = $1", [listing.id]);
  const bad = [
    `checkIn=${day(5)}&checkOut=${day(5)}&guests=1`,
    `checkIn=2020-01-01&checkOut=2020-01-03&guests=1`,
    `checkIn=${day(5)}&checkOut=2031-02-30&guests=1`,
    `checkIn=${day(5)}&checkOut=${day(7)}&guests=99`,
    `checkIn=${day(5)}&checkOut=${day(7)}&guests=1e2`,
    `checkIn=${day(5)}&checkOut=${day(6)}&guests=1`,
    `checkIn=${day(5)}&guests=1`,
  ];
  for (const query of bad) {
    const res = await api.get(`/api/v1/listings/${listing.id}/quote?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, "validation_failed", query);
  }
  const unknown = await api.get(
    `/api/v1/listings/00000000-0000-4000-8000-000000000000/quote?checkIn=${day(5)}&checkOut=${day(7)}&guests=1`,
  );
  t.is(unknown.status, 404);
  await api.delete(`/api/v1/listings/${listing.id}`, host.auth);
  const archived = await quote(listing.id, day(5), day(7));
  t.is(archived.status, 404);
});

test("price rules: overlapping overrides of equal span are refused (400 naming the override), and only the host may set rules", async (t) => {
  const host = await createHost();
  const listing = await pricedListing(host);
  const res = await api.patch(
    `/api/v1/listings/${listing.id}`,
    {
      pricing: {
        overrides: [
          { from: day(10), to: day(17), pricePerNight: 100 },
          { from: day(12), to: day(19), pricePerNight: 200 },
        ],
      },
    },
    host.auth,
  );
  t.is(res.status, 400);
  t.is(res.body.error.details[0].path, "pricing.overrides.1");
  const other = await createHost();
  const forbidden = await api.patch(`/api/v1/listings/${listing.id}`, { pricing: {} }, other.auth);
  t.is(forbidden.status, 403);
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.is(read.body.listing.pricing.cleaningFee, RULES.cleaningFee);
});

test("cancelling: a guest's refund keeps the platform's service fee; a host's cancellation refunds it too", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const seen = await quote(listing.id, day(120), day(123), 2);
  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(120), checkOut: day(123), guests: 2, quoteToken: seen.body.quoteToken },
    guest.auth,
  );
  const id = booked.body.booking.id;
  const payment = await api.post(`/api/v1/bookings/${id}/payments`, {}, guest.auth);
  await completeCheckout(payment.body.payment.checkoutUrl, "success");
  await eventually(async () => (await bookingRow(id)).status === "confirmed", "the booking to be confirmed");
  const fee = seen.body.lines.find((l: { kind: string }) => l.kind === "service_fee").amount;
  t.true(fee > 0);
  // Moderate policy, four months ahead: the full share, of the total less the service fee.
  const asGuest = await api.get(`/api/v1/bookings/${id}/cancellation`, guest.auth);
  t.is(asGuest.body.refund.amount, seen.body.total - fee);
  const asHost = await api.get(`/api/v1/bookings/${id}/cancellation`, host.auth);
  t.is(asHost.body.refund.amount, seen.body.total);
});

test("without a token, a booking right after a host's change is priced at the new price (the hold refuses a stale copy of the rules)", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await pricedListing(host);
  const book = (checkIn: string, checkOut: string) =>
    api.post("/api/v1/bookings", { listingId: listing.id, checkIn, checkOut, guests: 1 }, guest.auth);
  // Warms this process's copy of the listing's rules.
  t.is((await book(day(150), day(151))).status, 201);
  await api.patch(`/api/v1/listings/${listing.id}`, { pricePerNight: 33_333, pricing: {} }, host.auth);
  const now = await quote(listing.id, day(152), day(153));
  const booked = await book(day(152), day(153));
  t.is(booked.status, 201);
  t.deepEqual(booked.body.booking.priceLines, now.body.lines);
  t.is(booked.body.booking.totalPrice, now.body.total);
});
