import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { type IUser, User } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { unauthenticated } from "../../errors.js";
import { isUuid } from "../../ids.js";
import { defineQuery } from "../commands/define.js";
import { normalizeEmail } from "./email.js";
import type { PersonView } from "./view.js";

/** The account behind a token, or null when it no longer exists (or the id cannot be one of ours). */
export async function findUser(orm: Orm, id: string): Promise<IUser | null> {
  if (!isUuid(id)) return null;
  return orm.em.fork().findOne(User, { id });
}

/** The account an email names (case-insensitive, as typed at login or registration), or null. */
export async function findUserByEmail(orm: Orm, email: string): Promise<IUser | null> {
  return orm.em.fork().findOne(User, { email: normalizeEmail(email) });
}

/** GET /me: the caller's account (401 when it no longer exists). */
export const getMe = defineQuery({
  name: "accounts.me",
  input: z.unknown(),
  async run({ actor, deps }): Promise<IUser> {
    const user = await findUser(deps.orm, actor.id);
    if (!user) throw unauthenticated("This token's account no longer exists.");
    return user;
  },
});

/** Several accounts' public side (id, name) in one statement (GraphQL's batched `guest` and `host`). */
export async function findPeople(em: EntityManager, ids: readonly string[]): Promise<PersonView[]> {
  if (ids.length === 0) return [];
  return sql(em)<PersonView>("select id, name from users where id = any(?::uuid[])", [`{${ids.join(",")}}`]);
}
