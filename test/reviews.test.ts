import "./helpers/env.js";
import { randomUUID } from "node:crypto";
import test from "ava";
import type { BookingStatus } from "../shared/domain/bookings/status.js";
import {
  createAdmin,
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();

/** A past stay in a given status, inserted directly (the status machine is the bookings tests' subject). */
async function pastStay(listing: TestListing, guest: TestUser, status: BookingStatus = "completed"): Promise<string> {
  return (await createBooking(listing, guest, { status, checkIn: day(-10), checkOut: day(-8) })).id;
}

const review = (bookingId: string, who: TestUser | null, body: unknown = { rating: 5, comment: "Lovely stay" }) =>
  api.post(`/api/v1/bookings/${bookingId}/review`, body, who?.auth);

test("the guest of a completed stay reviews it: 201, and the listing's figures include it", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest({ name: "Abebe Bikila" })]);
  const listing = await createListing(host);
  const before = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
  t.like(before, { ratingAverage: null, reviewCount: 0 });
  const res = await review(await pastStay(listing, guest), guest, { rating: 4, comment: "  Quiet and clean.  " });
  t.is(res.status, 201);
  t.like(res.body.review, {
    listingId: listing.id,
    rating: 4,
    comment: "Quiet and clean.",
    reviewerName: "Abebe Bikila",
  });
  t.deepEqual(Object.keys(res.body.review).sort(), [
    "comment",
    "createdAt",
    "id",
    "listingId",
    "rating",
    "reviewerName",
  ]);
  const after = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
  t.like(after, { ratingAverage: 4, reviewCount: 1 });
  const list = await api.get(`/api/v1/listings/${listing.id}/reviews`);
  t.deepEqual(list.body, { data: [res.body.review], nextCursor: null });
});

test("ratingAverage is rounded to 2 decimals", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  for (const rating of [5, 5, 4]) {
    const guest = await createGuest();
    t.is((await review(await pastStay(listing, guest), guest, { rating, comment: "ok" })).status, 201);
  }
  t.like((await api.get(`/api/v1/listings/${listing.id}`)).body.listing, { ratingAverage: 4.67, reviewCount: 3 });
});

test("a stay that is not completed cannot be reviewed yet: 409 invalid_transition", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const listing = await createListing(host);
  for (const status of ["confirmed", "cancelled", "expired"] as const) {
    const res = await review(await pastStay(listing, guest, status), guest);
    t.is(res.status, 409, status);
    t.is(res.body.error.code, "invalid_transition");
  }
  const hold = await createBooking(listing, guest, {
    status: "pending_payment",
    checkIn: day(3),
    checkOut: day(5),
    expiresIn: "10 minutes",
  });
  t.is((await review(hold.id, guest)).status, 409);
  t.like((await api.get(`/api/v1/listings/${listing.id}`)).body.listing, { reviewCount: 0, ratingAverage: null });
});

test("who may review: someone else's booking is 404, its host and admins 403, anonymous 401", async (t) => {
  const [host, guest, stranger, otherHost, admin] = await Promise.all([
    createHost(),
    createGuest(),
    createGuest(),
    createHost(),
    createAdmin(),
  ]);
  const listing = await createListing(host);
  const bookingId = await pastStay(listing, guest);
  const cases: [string, TestUser | null, number, string][] = [
    ["anonymous", null, 401, "unauthenticated"],
    ["another guest", stranger, 404, "not_found"],
    ["another host", otherHost, 404, "not_found"],
    ["the listing's host", host, 403, "forbidden"],
    ["an admin", admin, 403, "forbidden"],
  ];
  for (const [who, user, status, code] of cases) {
    const res = await review(bookingId, user);
    t.is(res.status, status, who);
    t.is(res.body.error.code, code, who);
  }
  const unknown = await review(randomUUID(), guest);
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, "not_found");
  t.is((await review("not-a-uuid", guest)).status, 404);
  t.is((await review(bookingId, guest)).status, 201, "the guest still may, afterwards");
});

test("once per stay: a second review is 409 already_reviewed, even when both race", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const listing = await createListing(host);
  const first = await pastStay(listing, guest);
  t.is((await review(first, guest)).status, 201);
  const again = await review(first, guest, { rating: 1, comment: "Changed my mind" });
  t.is(again.status, 409);
  t.is(again.body.error.code, "already_reviewed");

  const raced = await pastStay(listing, guest);
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) => review(raced, guest, { rating: 1 + i, comment: `attempt ${i}` })),
  );
  const statuses = results.map((r) => r.status).sort();
  t.deepEqual(statuses, [201, 409, 409, 409, 409]);
  t.true(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "already_reviewed"));
  const winner = results.find((r) => r.status === 201)!.body.review.rating;
  const after = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
  t.is(after.reviewCount, 2, "the losers left no trace in the figures");
  t.is(after.ratingAverage, Math.round(((5 + winner) / 2) * 100) / 100);
});

test("10 concurrent reviews of 10 stays of one listing: reviewCount 10 and the exact average", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const ratings = [5, 4, 4, 3, 5, 5, 2, 4, 5, 1];
  const stays = await Promise.all(
    ratings.map(async (rating) => {
      const guest = await createGuest();
      return { guest, rating, bookingId: await pastStay(listing, guest) };
    }),
  );
  const results = await Promise.all(
    stays.map((s) => review(s.bookingId, s.guest, { rating: s.rating, comment: `rated ${s.rating}` })),
  );
  t.deepEqual(
    results.map((r) => r.status),
    ratings.map(() => 201),
  );
  const after = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
  t.is(after.reviewCount, 10);
  t.is(after.ratingAverage, 3.8);
  const { rows } = await db().query("select rating_sum, review_count from listings where id = $1", [listing.id]);
  t.deepEqual(rows[0], { rating_sum: 38, review_count: 10 });
});

test("every review validation rule answers 400 validation_failed naming the field", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const listing = await createListing(host);
  const bookingId = await pastStay(listing, guest);
  const cases: [unknown, string][] = [
    [{ comment: "no rating" }, "rating"],
    [{ rating: 0, comment: "x" }, "rating"],
    [{ rating: 6, comment: "x" }, "rating"],
    [{ rating: 4.5, comment: "x" }, "rating"],
    [{ rating: "5", comment: "x" }, "rating"],
    [{ rating: null, comment: "x" }, "rating"],
    [{ rating: 5 }, "comment"],
    [{ rating: 5, comment: "" }, "comment"],
    [{ rating: 5, comment: "   " }, "comment"],
    [{ rating: 5, comment: "x".repeat(2001) }, "comment"],
    [{ rating: 5, comment: 42 }, "comment"],
    [{ rating: 5, comment: "a\u0000b" }, "comment"],
    [{ rating: 5, comment: "x", listingId: listing.id }, "(body)"],
    [[{ rating: 5, comment: "x" }], "(body)"],
  ];
  for (const [body, path] of cases) {
    const res = await review(bookingId, guest, body);
    t.is(res.status, 400, JSON.stringify(body).slice(0, 80));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      `${JSON.stringify(body).slice(0, 80)} → ${JSON.stringify(res.body.error.details)}`,
    );
  }
  const malformed = await api.call("POST", `/api/v1/bookings/${bookingId}/review`, {
    raw: "{rating: 5}",
    headers: { ...guest.auth, "content-type": "application/json" },
  });
  t.is(malformed.status, 400);
  t.is(malformed.body.error.code, "invalid_json");
  t.is((await review(bookingId, guest, { rating: 5, comment: "x".repeat(2000) })).status, 201, "2000 chars is fine");
});

test("a listing's reviews: newest first, paginated with a cursor, 404 for an unknown listing", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const made: string[] = [];
  for (let i = 0; i < 5; i++) {
    const guest = await createGuest({ name: `Reviewer ${i}` });
    const res = await review(await pastStay(listing, guest), guest, { rating: 3, comment: `review ${i}` });
    made.push(res.body.review.id);
  }
  // Two reviews in the same microsecond: the id orders them, and no page repeats or skips one.
  await db().query("update reviews set created_at = '2031-01-01T00:00:00.5Z' where id = any($1::uuid[])", [
    made.slice(0, 2),
  ]);
  const seen: { id: string; reviewerName: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await api.get(
      `/api/v1/listings/${listing.id}/reviews?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
    );
    t.is(page.status, 200);
    seen.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  const tied = made.slice(0, 2).sort().reverse();
  t.deepEqual(
    seen.map((r) => r.id),
    [...tied, ...made.slice(2).reverse()],
  );
  t.is(seen[seen.length - 1].reviewerName, "Reviewer 2");

  t.is((await api.get(`/api/v1/listings/${randomUUID()}/reviews`)).status, 404);
  t.is((await api.get("/api/v1/listings/nope/reviews")).status, 404);
  for (const query of ["limit=0", "limit=101", "cursor=xyz"]) {
    const res = await api.get(`/api/v1/listings/${listing.id}/reviews?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, "validation_failed");
  }
});
