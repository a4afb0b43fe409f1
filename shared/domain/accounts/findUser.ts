import { type IUser, User } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { isUuid } from "../../ids.js";
import { normalizeEmail } from "./email.js";

/** The account behind a token, or null when it no longer exists (or the id cannot be one of ours). */
export async function findUser(orm: Orm, id: string): Promise<IUser | null> {
  if (!isUuid(id)) return null;
  return orm.em.fork().findOne(User, { id });
}

/** The account an email names (case-insensitive, as typed at login or registration), or null. */
export async function findUserByEmail(orm: Orm, email: string): Promise<IUser | null> {
  return orm.em.fork().findOne(User, { email: normalizeEmail(email) });
}
