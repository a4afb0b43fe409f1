import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Answer, type Api, errorCode } from "./http.js";
import { createListing, type Listing, PASSWORD, register, type User } from "./seed.js";

export type { Listing, User };

/** One booking attempt (retries included, under one Idempotency-Key) and how it ended. */
export interface BookingAttempt {
  key: string;
  guestId: string;
  listingId: string;
  checkIn: string;
  checkOut: string;
  /** created: a 201 (id); conflict: 409 dates_unavailable; unknown: no final answer; other: another 4xx. */
  outcome: "created" | "conflict" | "unknown" | "other";
  status: number | null;
  bookingId?: string;
}

export interface PaymentAttempt {
  bookingId: string;
  txRef?: string;
  /** What the guest pressed on the checkout page (and the sandbox accepted). */
  completed?: "success" | "failed";
  startStatus: number | null;
}

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

/**
 * Overlapping ranges of a few "hot" listings that every guest wants, far enough ahead to be bookable
 * all run long: the races for the same dates that the exclusion constraint must settle.
 */
const HOT_RANGES: [number, number][] = [
  [40, 43],
  [42, 45],
  [44, 46],
  [41, 42],
];

export class Load {
  readonly hosts: User[] = [];
  readonly guests: User[] = [];
  readonly listings: Listing[] = [];
  readonly attempts: BookingAttempt[] = [];
  readonly payments: PaymentAttempt[] = [];
  /** Bookings each guest holds or paid for, to pay, cancel or write about. */
  private readonly mine = new Map<string, { id: string; hostId: string; paid: boolean }[]>();
  private readonly tried = new Map<string, Set<string>>();
  stopping = false;

  constructor(
    private readonly api: Api,
    private readonly say: (line: string) => void,
  ) {}

  async register(role: "guest" | "host", n: number): Promise<User> {
    const user = await register(this.api, role, n);
    (role === "host" ? this.hosts : this.guests).push(user);
    return user;
  }

  /** Hosts and their listings, through the API like a host's app would; then the first guests. */
  async seed(hostCount: number, listingsPerHost: number, guestCount: number): Promise<void> {
    for (let h = 0; h < hostCount; h++) {
      const host = await this.register("host", h);
      for (let l = 0; l < listingsPerHost; l++) this.listings.push(await createListing(this.api, host, h, l));
    }
    for (let g = 0; g < guestCount; g++) await this.register("guest", g);
  }

  /** Runs every virtual user until stop(); resolves when each has finished its current step. */
  async run(newGuestEveryMs: number, onNewGuest: (user: User) => void): Promise<void> {
    const loops = [...this.guests.map((g) => this.guestLoop(g)), ...this.hosts.map((h) => this.hostLoop(h))];
    const arrivals = (async () => {
      let n = this.guests.length;
      while (!this.stopping) {
        await sleep(newGuestEveryMs);
        if (this.stopping) break;
        try {
          const user = await this.register("guest", n++);
          onNewGuest(user);
          loops.push(this.guestLoop(user));
        } catch (err) {
          this.say(`a new guest could not register: ${(err as Error).message}`);
        }
      }
    })();
    await arrivals;
    await Promise.all(loops);
  }

  stop(): void {
    this.stopping = true;
  }

  private async guestLoop(guest: User): Promise<void> {
    while (!this.stopping) {
      const roll = Math.random();
      try {
        if (roll < 0.25) await this.search(guest);
        else if (roll < 0.55) await this.book(guest);
        else if (roll < 0.75) await this.pay(guest);
        else if (roll < 0.83) await this.cancel(guest);
        else if (roll < 0.93) await this.message(guest);
        else await this.login(guest);
      } catch (err) {
        this.say(`guest step failed: ${(err as Error).stack}`);
      }
      await sleep(400 + Math.random() * 1200);
    }
  }

  private async hostLoop(host: User): Promise<void> {
    while (!this.stopping) {
      await this.api.call("GET", "/api/v1/bookings?as=host&limit=20", {
        label: "GET /bookings?as=host",
        token: host.token,
        ip: host.ip,
      });
      await sleep(2000 + Math.random() * 3000);
    }
  }

  private async search(guest: User): Promise<void> {
    const [from, to] = HOT_RANGES[Math.floor(Math.random() * HOT_RANGES.length)];
    const city = encodeURIComponent(this.listings[Math.floor(Math.random() * this.listings.length)].city);
    await this.api.call("GET", `/api/v1/listings?city=${city}&checkIn=${day(from)}&checkOut=${day(to)}`, {
      label: "GET /listings",
      ip: guest.ip,
    });
    const listing = this.pick(this.listings);
    await this.api.call("GET", `/api/v1/listings/${listing.id}/availability`, {
      label: "GET /listings/:id/availability",
      ip: guest.ip,
    });
  }

  private async book(guest: User): Promise<void> {
    // Mostly the hot listings and dates (races); sometimes a quiet one.
    const hot = Math.random() < 0.8;
    const listing = hot ? this.listings[Math.floor(Math.random() * 3)] : this.pick(this.listings);
    const [from, to] = hot ? this.pick(HOT_RANGES) : [50 + Math.floor(Math.random() * 200), 0];
    const checkIn = day(from);
    const checkOut = day(hot ? to : from + 1 + Math.floor(Math.random() * 3));
    // Each (guest, listing, dates) is tried once, so a 409 can be checked against what it left behind.
    const slot = `${listing.id}/${checkIn}/${checkOut}`;
    const tried = this.tried.get(guest.id) ?? new Set<string>();
    this.tried.set(guest.id, tried);
    if (tried.has(slot)) return;
    tried.add(slot);
    const key = randomUUID();
    const answer = await this.api.callWithRetries("POST", "/api/v1/bookings", {
      label: "POST /bookings",
      token: guest.token,
      ip: guest.ip,
      idempotencyKey: key,
      body: { listingId: listing.id, checkIn, checkOut, guests: 2 },
    });
    const attempt: BookingAttempt = {
      key,
      guestId: guest.id,
      listingId: listing.id,
      checkIn,
      checkOut,
      status: answer.status,
      outcome: classify(answer),
    };
    if (attempt.outcome === "created") {
      attempt.bookingId = answer.body.booking.id;
      const list = this.mine.get(guest.id) ?? [];
      list.push({ id: attempt.bookingId!, hostId: listing.hostId, paid: false });
      this.mine.set(guest.id, list);
    }
    this.attempts.push(attempt);
  }

  private async pay(guest: User): Promise<void> {
    const booking = this.pick((this.mine.get(guest.id) ?? []).filter((b) => !b.paid));
    if (!booking) return;
    booking.paid = true;
    const answer = await this.api.callWithRetries("POST", `/api/v1/bookings/${booking.id}/payments`, {
      label: "POST /bookings/:id/payments",
      token: guest.token,
      ip: guest.ip,
      idempotencyKey: randomUUID(),
    });
    const record: PaymentAttempt = { bookingId: booking.id, startStatus: answer.status };
    this.payments.push(record);
    if (answer.status !== 201 && answer.status !== 200) return;
    const { checkoutUrl, txRef } = answer.body.payment;
    record.txRef = txRef;
    // Nine in ten pay; the rest press Fail (and may pay again later).
    const outcome = Math.random() < 0.9 ? "success" : "failed";
    const completed = await this.api.call("POST", `${checkoutUrl}/complete`, {
      label: "POST <checkout>/complete",
      body: { outcome },
    });
    if (completed.status === 200) {
      record.completed = outcome;
      if (outcome === "failed") booking.paid = false;
      const returnUrl = completed.body?.return_url as string | null;
      // Half the browsers land on the return URL (a second signal beside the webhook).
      if (returnUrl && Math.random() < 0.5) {
        const path = new URL(returnUrl);
        await this.api.call("GET", `${path.pathname}${path.search}`, { label: "GET /payments/return", ip: guest.ip });
      }
    }
  }

  private async cancel(guest: User): Promise<void> {
    const list = this.mine.get(guest.id) ?? [];
    const booking = this.pick(list);
    if (!booking) return;
    list.splice(list.indexOf(booking), 1);
    await this.api.callWithRetries("POST", `/api/v1/bookings/${booking.id}/cancel`, {
      label: "POST /bookings/:id/cancel",
      token: guest.token,
      ip: guest.ip,
    });
  }

  private async message(guest: User): Promise<void> {
    const booking = this.pick(this.mine.get(guest.id) ?? []);
    if (!booking) return;
    const path = `/api/v1/bookings/${booking.id}/messages`;
    await this.api.call("POST", path, {
      label: "POST /bookings/:id/messages",
      token: guest.token,
      ip: guest.ip,
      body: { body: "Is the place quiet at night?" },
    });
    const host = this.hosts.find((h) => h.id === booking.hostId);
    if (host) {
      await this.api.call("POST", path, {
        label: "POST /bookings/:id/messages",
        token: host.token,
        ip: host.ip,
        body: { body: "Very quiet." },
      });
    }
  }

  private async login(guest: User): Promise<void> {
    const answer = await this.api.call("POST", "/api/v1/auth/login", {
      label: "POST /auth/login",
      ip: guest.ip,
      body: { email: guest.email, password: PASSWORD },
    });
    // The old token stays valid; the new one is what the app would use from now on.
    if (answer.status === 200) guest.token = answer.body.token;
    await this.api.call("GET", "/api/v1/bookings?limit=20", {
      label: "GET /bookings",
      token: guest.token,
      ip: guest.ip,
    });
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(Math.random() * items.length)];
  }
}

function classify(answer: Answer): BookingAttempt["outcome"] {
  if (answer.status === 201) return "created";
  if (answer.status === 409 && errorCode(answer) === "dates_unavailable") return "conflict";
  if (answer.status === null || answer.status >= 500 || answer.status === 429) return "unknown";
  if (answer.status === 409 && errorCode(answer) === "idempotency_conflict") return "unknown";
  return "other";
}
