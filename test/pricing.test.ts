import test from "ava";
import fc from "fast-check";
import {
  discountPercent,
  type PlatformFees,
  type PriceBreakdown,
  priceStay,
  type Stay,
} from "../shared/domain/pricing/priceStay.js";
import { type PricedListing, pricingRulesSchema } from "../shared/domain/pricing/rules.js";

/**
 * The pricing function (shared/domain/pricing/priceStay.ts), by its properties over random listings'
 * rules, stays and platform fees: no database, so thousands of cases run in a second or two.
 */

const BASE = Date.parse("2031-03-01T00:00:00Z");
const DAY = 86_400_000;
const date = (offset: number) => new Date(BASE + offset * DAY).toISOString().slice(0, 10);

const overrideArb = fc
  .record({
    start: fc.integer({ min: 0, max: 90 }),
    span: fc.integer({ min: 1, max: 40 }),
    price: fc.integer({ min: 1, max: 90_000 }),
  })
  .map(({ start, span, price }) => ({ from: date(start), to: date(start + span), pricePerNight: price }));

/** Any listing the rules accept: random rules, kept only when pricingRulesSchema takes them. */
const listingArb: fc.Arbitrary<PricedListing> = fc
  .record({
    pricePerNight: fc.integer({ min: 1, max: 100_000 }),
    currency: fc.constantFrom("ETB" as const, "USD" as const),
    rules: fc.record({
      weekendPrice: fc.option(fc.integer({ min: 1, max: 150_000 }), { nil: null }),
      cleaningFee: fc.integer({ min: 0, max: 60_000 }),
      includedGuests: fc.integer({ min: 1, max: 6 }),
      extraGuestFee: fc.integer({ min: 0, max: 9_000 }),
      weeklyDiscountPercent: fc.integer({ min: 0, max: 90 }),
      monthlyDiscountPercent: fc.integer({ min: 0, max: 90 }),
      overrides: fc.array(overrideArb, { maxLength: 4 }),
    }),
  })
  .map(({ pricePerNight, currency, rules }) => {
    const parsed = pricingRulesSchema.safeParse(rules);
    return parsed.success ? { pricePerNight, currency, pricing: parsed.data } : null;
  })
  .filter((listing): listing is PricedListing => listing !== null);

const stayArb: fc.Arbitrary<Stay> = fc
  .record({
    start: fc.integer({ min: 0, max: 120 }),
    nights: fc.integer({ min: 1, max: 70 }),
    guests: fc.integer({ min: 1, max: 12 }),
  })
  .map(({ start, nights, guests }) => ({ checkIn: date(start), checkOut: date(start + nights), guests }));

const feesArb: fc.Arbitrary<PlatformFees> = fc.record({
  serviceFeeBasisPoints: fc.integer({ min: 0, max: 5_000 }),
  taxBasisPoints: fc.integer({ min: 0, max: 5_000 }),
});

const sum = (price: PriceBreakdown, kinds?: string[]) =>
  price.lines.filter((l) => !kinds || kinds.includes(l.kind)).reduce((s, l) => s + l.amount, 0);
const nightsOf = (stay: Stay) => Math.round((Date.parse(stay.checkOut) - Date.parse(stay.checkIn)) / DAY);
const NO_FEES: PlatformFees = { serviceFeeBasisPoints: 0, taxBasisPoints: 0 };
const RUNS = { numRuns: 1500 };

test("the total is the sum of the lines; every amount is a whole number; only a discount is negative; no line is 0", (t) => {
  fc.assert(
    fc.property(listingArb, stayArb, feesArb, (listing, stay, fees) => {
      const price = priceStay(listing, stay, fees);
      return (
        price.total === sum(price) &&
        price.total > 0 &&
        price.currency === listing.currency &&
        price.lines.every(
          (l) =>
            Number.isSafeInteger(l.amount) && l.amount !== 0 && (l.kind === "discount" ? l.amount < 0 : l.amount > 0),
        )
      );
    }),
    RUNS,
  );
  t.pass();
});

test("a stay's nights cost the sum of each night's price (as a one-night stay prices it), and the lines cover every night once", (t) => {
  fc.assert(
    fc.property(listingArb, stayArb, (listing, stay) => {
      const price = priceStay(listing, stay, NO_FEES);
      const n = nightsOf(stay);
      let each = 0;
      for (let i = 0; i < n; i++) {
        const night = new Date(Date.parse(stay.checkIn) + i * DAY).toISOString().slice(0, 10);
        const one = priceStay(listing, { checkIn: night, checkOut: date(nightsOfBase(night) + 1), guests: 1 }, NO_FEES);
        each += sum(one, ["nights"]);
      }
      const nightLines = price.lines.filter((l) => l.kind === "nights");
      return sum(price, ["nights"]) === each && nightLines.reduce((s, l) => s + (l.nights ?? 0), 0) === n;
    }),
    { numRuns: 400 },
  );
  t.pass();
});
const nightsOfBase = (night: string) => Math.round((Date.parse(night) - BASE) / DAY);

test("the price is the nights plus the fees: extra guests per night, cleaning once, the discount of the nights, then the platform's percentages", (t) => {
  fc.assert(
    fc.property(listingArb, stayArb, feesArb, (listing, stay, fees) => {
      const price = priceStay(listing, stay, fees);
      const rules = listing.pricing;
      const n = nightsOf(stay);
      const nights = sum(price, ["nights"]);
      const extra = Math.max(0, stay.guests - rules.includedGuests) * rules.extraGuestFee * n;
      const discount = Math.round((nights * discountPercent(n, rules)) / 100);
      const subtotal = nights + extra - discount + rules.cleaningFee;
      const service = Math.round((subtotal * fees.serviceFeeBasisPoints) / 10_000);
      const taxes = Math.round(((subtotal + service) * fees.taxBasisPoints) / 10_000);
      // Math.round on these non-negative values rounds half up, as the one rule says (exact well below 2^53).
      return (
        sum(price, ["extra_guests"]) === extra &&
        sum(price, ["discount"]) === -discount &&
        sum(price, ["cleaning_fee"]) === rules.cleaningFee &&
        sum(price, ["service_fee"]) === service &&
        sum(price, ["taxes"]) === taxes &&
        price.total === subtotal + service + taxes
      );
    }),
    RUNS,
  );
  t.pass();
});

test("splitting a stay at any night never makes it cheaper than the discounts allow (at most a minor unit of rounding per percentage line)", (t) => {
  fc.assert(
    fc.property(
      listingArb,
      stayArb.filter((s) => nightsOf(s) >= 2),
      feesArb,
      fc.integer({ min: 1, max: 69 }),
      (listing, stay, fees, at) => {
        const n = nightsOf(stay);
        const k = 1 + (at % (n - 1));
        const middle = new Date(Date.parse(stay.checkIn) + k * DAY).toISOString().slice(0, 10);
        const parts = [
          { ...stay, checkOut: middle },
          { ...stay, checkIn: middle },
        ].map((part) => priceStay(listing, part, fees));
        const whole = priceStay(listing, stay, fees);
        const before = (p: PriceBreakdown) => sum(p, ["nights", "extra_guests", "discount", "cleaning_fee"]);
        // The longer stay's discount percent is never smaller, so the parts' nights, discounted, cost no
        // less than the whole's (but for the rounding of the discount line); the extra cleaning fee only adds.
        const subtotalsHold = before(parts[0]) + before(parts[1]) >= before(whole) - 1;
        const totalsHold = parts[0].total + parts[1].total >= whole.total - 3;
        return subtotalsHold && totalsHold;
      },
    ),
    RUNS,
  );
  t.pass();
});

test("a longer stay never gets a smaller discount percent", (t) => {
  fc.assert(
    fc.property(listingArb, fc.integer({ min: 1, max: 364 }), (listing, n) => {
      return discountPercent(n + 1, listing.pricing) >= discountPercent(n, listing.pricing);
    }),
    RUNS,
  );
  t.pass();
});

test("examples: weekend nights, the shortest override, extra guests, a weekly discount, fees rounded line by line", (t) => {
  const listing: PricedListing = {
    pricePerNight: 10_000,
    currency: "ETB",
    pricing: pricingRulesSchema.parse({
      weekendPrice: 15_000,
      cleaningFee: 2_500,
      includedGuests: 2,
      extraGuestFee: 1_000,
      weeklyDiscountPercent: 10,
      overrides: [
        { from: "2031-03-03", to: "2031-03-31", pricePerNight: 12_000, label: "March" },
        { from: "2031-03-05", to: "2031-03-06", pricePerNight: 20_001, label: "Festival" },
      ],
    }),
  };
  // Thu 2031-02-27 → Fri 2031-03-07: Thu base, Fri+Sat weekend, Sun base, Mon-Tue March, Wed Festival, Thu March.
  const price = priceStay(
    listing,
    { checkIn: "2031-02-27", checkOut: "2031-03-07", guests: 3 },
    {
      serviceFeeBasisPoints: 1_250,
      taxBasisPoints: 1_500,
    },
  );
  t.deepEqual(
    price.lines.map((l) => [l.kind, l.amount, l.nights]),
    [
      ["nights", 10_000, 1],
      ["nights", 30_000, 2],
      ["nights", 10_000, 1],
      ["nights", 24_000, 2],
      ["nights", 20_001, 1],
      ["nights", 12_000, 1],
      ["extra_guests", 8_000, 8],
      ["discount", -10_600, undefined], // 10% of 106,001, half up
      ["cleaning_fee", 2_500, undefined],
      ["service_fee", 13_238, undefined], // 12.5% of 105,901 = 13,237.625
      ["taxes", 17_871, undefined], // 15% of 119,139 = 17,870.85
    ],
  );
  t.is(price.total, 137_010);
  t.is(price.lines[1].label, "2 weekend nights × ETB 150.00");
  t.is(price.lines[4].label, "1 night × ETB 200.01 (Festival)");
});

test("the rules refuse overlapping overrides of the same span, and a bad one, naming it", (t) => {
  const same = pricingRulesSchema.safeParse({
    overrides: [
      { from: "2031-01-01", to: "2031-01-08", pricePerNight: 100 },
      { from: "2031-01-05", to: "2031-01-12", pricePerNight: 200 },
    ],
  });
  t.false(same.success);
  t.deepEqual(same.error?.issues[0].path, ["overrides", 1]);
  const nested = pricingRulesSchema.safeParse({
    overrides: [
      { from: "2031-01-01", to: "2031-01-31", pricePerNight: 100 },
      { from: "2031-01-05", to: "2031-01-12", pricePerNight: 200 },
    ],
  });
  t.true(nested.success);
  t.false(
    pricingRulesSchema.safeParse({ overrides: [{ from: "2031-01-05", to: "2031-01-05", pricePerNight: 1 }] }).success,
  );
  t.false(pricingRulesSchema.safeParse({ cleaningFee: 10.5 }).success);
  t.false(pricingRulesSchema.safeParse({ weeklyDiscountPercent: -1 }).success);
  t.false(pricingRulesSchema.safeParse({ surprise: 1 }).success);
});
