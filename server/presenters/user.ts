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
    createdAt: event.createdAt.toISOString(),
  };
}
