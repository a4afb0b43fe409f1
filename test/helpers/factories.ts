import { randomUUID } from "node:crypto";
import pg from "pg";
import { hashPassword } from "../../shared/domain/accounts/password.js";
import type { Role } from "../../shared/domain/accounts/role.js";
import { issueToken } from "../../shared/domain/accounts/tokens.js";
import type { BookingStatus } from "../../shared/domain/bookings/status.js";
import type { Currency } from "../../shared/domain/currency.js";
import { databaseUrl } from "./env.js";

/**
 * Test data built straight in this file's database, for tests about something else than sign-up
 * (accounts tests go through the HTTP routes). Tokens are real, signed the way login signs them.
 */
let pool: pg.Pool | null = null;
export function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: databaseUrl, max: 5, allowExitOnIdle: true });
  return pool;
}
export async function closeFactories(): Promise<void> {
  await pool?.end();
  pool = null;
}

export const PASSWORD = "correct-horse-battery";
let passwordHash: Promise<string> | null = null;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  token: string;
  auth: { authorization: string };
}

export async function createUser(options: { role?: Role; name?: string; email?: string } = {}): Promise<TestUser> {
  passwordHash ??= hashPassword(PASSWORD);
  const role = options.role ?? "guest";
  const email = options.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const name =
    options.name ?? `${role[0].toUpperCase()}${role.slice(1)} ${email.slice(role.length + 1, role.length + 5)}`;
  const { rows } = await db().query(
    "insert into users (email, name, role, password_hash) values ($1, $2, $3, $4) returning id",
    [email, name, role, await passwordHash],
  );
  const token = issueToken({ id: rows[0].id, role, tokenVersion: 0 }); // a new account is at version 0;
  return { id: rows[0].id, email, name, role, token, auth: { authorization: `Bearer ${token}` } };
}

export const createHost = (o: { name?: string } = {}) => createUser({ ...o, role: "host" });
export const createGuest = (o: { name?: string } = {}) => createUser({ ...o, role: "guest" });
export const createAdmin = () => createUser({ role: "admin" });

export interface TestListing {
  id: string;
  hostId: string;
  pricePerNight: number;
  currency: Currency;
  maxGuests: number;
  city: string;
}

export async function createListing(
  host: { id: string },
  o: Partial<Omit<TestListing, "id" | "hostId">> & { title?: string; country?: string } = {},
): Promise<TestListing> {
  const listing = {
    pricePerNight: o.pricePerNight ?? 10_000,
    currency: o.currency ?? ("ETB" as Currency),
    maxGuests: o.maxGuests ?? 4,
    city: o.city ?? "Addis Ababa",
  };
  const { rows } = await db().query(
    `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
     values ($1, $2, 'A test listing', $3, $4, $5, $6, $7) returning id`,
    [
      host.id,
      o.title ?? "Test stay",
      listing.city,
      o.country ?? "Ethiopia",
      listing.pricePerNight,
      listing.currency,
      listing.maxGuests,
    ],
  );
  return { id: rows[0].id, hostId: host.id, ...listing };
}

export interface TestBooking {
  id: string;
  listingId: string;
  guestId: string;
  status: BookingStatus;
  checkIn: string;
  checkOut: string;
  totalPrice: number;
  currency: Currency;
}

export interface BookingOptions {
  /** Default "confirmed". */
  status?: BookingStatus;
  checkIn: string;
  checkOut: string;
  /** Default 1. */
  guests?: number;
  /** Default: the listing's price per night × the nights, in the listing's currency. */
  totalPrice?: number;
  currency?: Currency;
  /**
   * When the hold lapses, as a PostgreSQL interval from now ("15 minutes", "-1 second"), or null.
   * Default: "15 minutes" for a pending_payment hold, null for every other status.
   */
  expiresIn?: string | null;
  note?: string;
}

/**
 * A booking written straight in SQL, in any status, for tests about something else than how a
 * booking is made (the bookings tests go through POST /bookings): what a listing's calendar, a
 * review, a worker's email or a cache needs to exist. The exclusion constraint still applies, so an
 * overlapping active booking rejects with PostgreSQL's 23P01.
 */
export async function createBooking(
  listing: { id: string },
  guest: { id: string },
  o: BookingOptions,
): Promise<TestBooking> {
  const status = o.status ?? "confirmed";
  const expiresIn = o.expiresIn === undefined ? (status === "pending_payment" ? "15 minutes" : null) : o.expiresIn;
  const { rows } = await db().query(
    `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at, note)
     select l.id, $2, $3::date, $4::date, $5, coalesce($6, l.price_per_night * ($4::date - $3::date)),
            coalesce($7, l.currency), $8, now() + $9::interval, $10
       from listings l where l.id = $1
     returning id, total_price, currency`,
    [
      listing.id,
      guest.id,
      o.checkIn,
      o.checkOut,
      o.guests ?? 1,
      o.totalPrice ?? null,
      o.currency ?? null,
      status,
      expiresIn,
      o.note ?? null,
    ],
  );
  if (!rows[0]) throw new Error(`createBooking: no listing ${listing.id}`);
  return {
    id: rows[0].id,
    listingId: listing.id,
    guestId: guest.id,
    status,
    checkIn: o.checkIn,
    checkOut: o.checkOut,
    totalPrice: rows[0].total_price,
    currency: rows[0].currency,
  };
}

/** A date `days` from today (UTC), as YYYY-MM-DD. */
export function day(days: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
