import { randomUUID } from "node:crypto";
import type { Api } from "./http.js";

// Not a common password: registration refuses the 10,000 most common ones (password123 among them).
export const PASSWORD = "chaos-load-passphrase";

export interface User {
  id: string;
  email: string;
  token: string;
  role: "guest" | "host";
  /** X-Forwarded-For of this user: each virtual user comes from its own address. */
  ip: string;
}

export interface Listing {
  id: string;
  hostId: string;
  city: string;
}

let nextIp = 1;
const freshIp = () => `10.77.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

/** A new account through the API, as the sign-up page makes it. */
export async function register(api: Api, role: "guest" | "host", n: number): Promise<User> {
  const email = `${role}-${n}-${randomUUID().slice(0, 8)}@chaos.test`;
  const ip = freshIp();
  const answer = await api.callWithRetries("POST", "/api/v1/auth/register", {
    label: "POST /auth/register",
    ip,
    body: { email, password: PASSWORD, name: `${role === "host" ? "Host" : "Guest"} ${n}`, role },
  });
  if (answer.status !== 201) throw new Error(`register ${role}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { id: answer.body.user.id, email, token: answer.body.token, role, ip };
}

const CITIES = ["Addis Ababa", "Bahir Dar", "Gondar"];

/** A host's listing through the API, as a host's app creates it. */
export async function createListing(api: Api, host: User, h: number, l: number): Promise<Listing> {
  const city = CITIES[(h + l) % CITIES.length];
  const answer = await api.callWithRetries("POST", "/api/v1/listings", {
    label: "POST /listings",
    token: host.token,
    ip: host.ip,
    body: {
      title: `Chaos stay ${h}.${l}`,
      description: "A place that must survive faults.",
      city,
      country: "Ethiopia",
      pricePerNight: 1000 + 250 * l,
      currency: "ETB",
      maxGuests: 4,
    },
  });
  if (answer.status !== 201) throw new Error(`create listing: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { id: answer.body.listing.id, hostId: host.id, city };
}
