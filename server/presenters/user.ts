import { z } from "zod";
import type { ILoginEvent } from "../../shared/db/entities/loginEvent.js";
import type { IUser } from "../../shared/db/entities/user.js";
import { type UserView, userViewSchema } from "../../shared/domain/accounts/view.js";

/** What leaves the server about an account (never the password hash); also its OpenAPI component. */
export const userSchema = userViewSchema.meta({ id: "User" });

export function presentUser(user: Pick<IUser, "id" | "email" | "name" | "role" | "createdAt">): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Where an IP is, as the offline GeoIP database said when the attempt was recorded. */
export const placeSchema = z
  .object({
    ipKind: z.enum(["public", "private", "loopback", "reserved", "unknown"]).meta({
      description: "Private, loopback and reserved addresses are labelled, never looked up (their fields are null).",
    }),
    country: z.string().nullable().meta({ description: "ISO 3166-1 alpha-2 code." }),
    region: z.string().nullable(),
    city: z.string().nullable(),
    asn: z.number().int().nullable(),
    asOrg: z.string().nullable(),
  })
  .meta({ id: "GeoPlace" });

export const loginEventSchema = z
  .object({
    id: z.number().int(),
    userId: z.uuid().nullable().meta({ description: "Null when the email matched no account." }),
    email: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    success: z.boolean(),
    rateLimited: z.boolean().meta({
      description: "Refused by a login rate limit, password not checked (the first refusal of each limit window).",
    }),
    blocked: z.boolean().meta({ description: "Refused by the admin IP blocklist (403 blocked)." }),
    attempt: z.enum(["login", "register"]).meta({ description: "register: a registration the blocklist refused." }),
    place: placeSchema,
    device: z
      .object({ browser: z.string().nullable(), os: z.string().nullable() })
      .meta({ description: "Browser and OS families read from the User-Agent when the attempt was recorded." }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "LoginEvent" });

export function presentLoginEvent(event: ILoginEvent): z.infer<typeof loginEventSchema> {
  return {
    id: event.id,
    userId: event.userId ?? null,
    email: event.email,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    success: event.success,
    rateLimited: event.rateLimited,
    blocked: event.blocked,
    attempt: event.attempt === "register" ? "register" : "login",
    place: {
      ipKind: event.ipKind as z.infer<typeof placeSchema>["ipKind"],
      country: event.country ?? null,
      region: event.region ?? null,
      city: event.city ?? null,
      asn: event.asn ?? null,
      asOrg: event.asOrg ?? null,
    },
    device: { browser: event.browser ?? null, os: event.os ?? null },
    createdAt: event.createdAt.toISOString(),
  };
}
