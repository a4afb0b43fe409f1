import test from "ava";
import {
  type CancellationInput,
  POLICY_TIERS,
  quoteCancellation,
  startOfLocalDay,
} from "../shared/domain/bookings/cancellationPolicy.js";
import type { CancellationPolicy } from "../shared/domain/listings/status.js";

/**
 * The refund rule alone, with the clock passed in: each policy just before and just after each of its
 * deadlines (one millisecond either side), in UTC, in Addis Ababa (UTC+3) and in Kiritimati (UTC+14,
 * the farthest ahead) and Pago Pago (UTC−11).
 */
const CHECK_IN = "2031-03-20";
const TOTAL = 30_001; // odd, so a 50% share shows the rounding (floored: 15 000)
const MS = 1;
const DAY = 86_400_000;

function quote(o: Partial<CancellationInput> & { now: Date }) {
  return quoteCancellation({
    policy: "moderate",
    stay: { checkIn: CHECK_IN, totalPrice: TOTAL },
    timeZone: "UTC",
    paid: TOTAL,
    by: "guest",
    confirmed: true,
    ...o,
  });
}

function refundOf(o: Partial<CancellationInput> & { now: Date }): number {
  const q = quote(o);
  if (!q.allowed) throw new Error(`refused: ${q.reason}`);
  return q.refund;
}

test("the start of a day in a time zone: UTC, +3, +14, −11, and across a DST change", (t) => {
  t.is(startOfLocalDay("2031-03-20", "UTC").toISOString(), "2031-03-20T00:00:00.000Z");
  t.is(startOfLocalDay("2031-03-20", "Africa/Addis_Ababa").toISOString(), "2031-03-19T21:00:00.000Z");
  t.is(startOfLocalDay("2031-03-20", "Pacific/Kiritimati").toISOString(), "2031-03-19T10:00:00.000Z");
  t.is(startOfLocalDay("2031-03-20", "Pacific/Pago_Pago").toISOString(), "2031-03-20T11:00:00.000Z");
  // Berlin: CET (+1) until 30 March 2031 02:00, CEST (+2) after.
  t.is(startOfLocalDay("2031-03-30", "Europe/Berlin").toISOString(), "2031-03-29T23:00:00.000Z");
  t.is(startOfLocalDay("2031-03-31", "Europe/Berlin").toISOString(), "2031-03-30T22:00:00.000Z");
});

const expected: Record<CancellationPolicy, { daysBefore: number; before: number; after: number }[]> = {
  flexible: [
    { daysBefore: 1, before: TOTAL, after: 15_000 },
    { daysBefore: 0, before: 15_000, after: -1 },
  ],
  moderate: [
    { daysBefore: 5, before: TOTAL, after: 15_000 },
    { daysBefore: 0, before: 15_000, after: -1 },
  ],
  strict: [
    { daysBefore: 14, before: TOTAL, after: 15_000 },
    { daysBefore: 7, before: 15_000, after: 0 },
    { daysBefore: 0, before: 0, after: -1 },
  ],
};

for (const timeZone of ["UTC", "Africa/Addis_Ababa", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
  for (const policy of ["flexible", "moderate", "strict"] as const) {
    test(`${policy} in ${timeZone}: the share just before and just after each deadline`, (t) => {
      const checkInStart = startOfLocalDay(CHECK_IN, timeZone).getTime();
      for (const { daysBefore, before, after } of expected[policy]) {
        // No DST in these zones (nor in the days around), so "N days before" is N × 24 h here.
        const deadline = checkInStart - daysBefore * DAY;
        t.is(refundOf({ policy, timeZone, now: new Date(deadline - MS) }), before, `${daysBefore} days, just before`);
        if (after === -1) {
          // The check-in day has begun: a guest can no longer cancel.
          const refused = quote({ policy, timeZone, now: new Date(deadline) });
          t.like(refused, { allowed: false, reason: "stay_started" });
        } else {
          t.is(refundOf({ policy, timeZone, now: new Date(deadline) }), after, `${daysBefore} days, at the deadline`);
          t.is(refundOf({ policy, timeZone, now: new Date(deadline + MS) }), after, `${daysBefore} days, just after`);
        }
      }
      t.is(POLICY_TIERS[policy].length, expected[policy].length);
    });
  }
}

test("the rule names the policy, its share and the deadline that decided", (t) => {
  const deadline = startOfLocalDay("2031-03-15", "Africa/Addis_Ababa");
  const before = quote({ timeZone: "Africa/Addis_Ababa", now: new Date(deadline.getTime() - 1) });
  t.like(before, {
    allowed: true,
    refund: TOTAL,
    rule: {
      policy: "moderate",
      by: "guest",
      refundPercent: 100,
      threshold: { daysBefore: 5, at: deadline.toISOString(), passed: false },
      checkInStartsAt: "2031-03-19T21:00:00.000Z",
    },
  });
  const after = quote({ timeZone: "Africa/Addis_Ababa", now: deadline });
  t.like(after, { refund: 15_000, rule: { refundPercent: 50, threshold: { daysBefore: 5, passed: true } } });
  if (after.allowed) t.regex(after.rule.description, /^Moderate: .* Cancelled less than 5 days before check-in: 50%/);
  const strictMiddle = quote({ policy: "strict", now: new Date(Date.UTC(2031, 2, 10)) });
  t.like(strictMiddle, { refund: 15_000, rule: { threshold: { daysBefore: 14, passed: true } } });
});

test("never more than was paid; nothing paid refunds nothing; floored to the minor unit", (t) => {
  const early = new Date(Date.UTC(2031, 0, 1));
  t.is(refundOf({ now: early, paid: 10_000 }), 10_000, "the full share is capped at what was paid");
  t.is(refundOf({ now: early, paid: 0, confirmed: false }), 0, "a hold or request");
  t.is(refundOf({ now: new Date(Date.UTC(2031, 2, 19)), stay: { checkIn: CHECK_IN, totalPrice: 3 } }), 1);
  const unpaid = quote({ now: early, paid: 0, confirmed: false });
  if (unpaid.allowed) t.regex(unpaid.rule.description, /Nothing has been paid/);
});

test("a hold or request may be withdrawn by its guest even on the check-in day", (t) => {
  const checkInDay = new Date(Date.UTC(2031, 2, 20, 12));
  t.like(quote({ now: checkInDay, confirmed: false, paid: 0 }), { allowed: true, refund: 0 });
  t.like(quote({ now: checkInDay }), { allowed: false, reason: "stay_started" });
});

test("host: everything paid, whenever; admin: the policy's share (last tier once started) or the amount set", (t) => {
  const late = new Date(Date.UTC(2031, 2, 21));
  t.like(quote({ policy: "strict", by: "host", now: late }), {
    allowed: true,
    refund: TOTAL,
    rule: { by: "host", refundPercent: 100, threshold: null },
  });
  t.like(quote({ policy: "strict", by: "admin", now: late }), { allowed: true, refund: 0 });
  t.like(quote({ policy: "flexible", by: "admin", now: late }), { allowed: true, refund: 15_000 });
  t.like(quote({ policy: "strict", by: "admin", now: late, refundAmount: 12_345 }), {
    allowed: true,
    refund: 12_345,
    rule: { by: "admin", refundPercent: null, threshold: null },
  });
});
