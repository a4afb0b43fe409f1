import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { ROLES } from "../../domain/accounts/role.js";
import { createdAt, updatedAt } from "./timestamps.js";

export const User = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    // citext: emails are unique whatever their case.
    email: p.string().columnType("citext").unique("users_email_unique"),
    name: p.string().length(200),
    role: p.enum([...ROLES]).default("guest"),
    passwordHash: p.string().length(255).hidden(),
    // Tokens carry the version they were issued at (claim `ver`); moving it on revokes them all.
    tokenVersion: p.integer().default(0),
    // Notifications up to this event id are read.
    notificationsReadUpTo: p.bigint("number").default(0),
    // How many of the user's events were committed with an id up to that mark when it was set.
    notificationsReadCount: p.bigint("number").default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});
export type IUser = InferEntity<typeof User>;
