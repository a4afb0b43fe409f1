import { type IUser, User } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { isUuid } from "../../ids.js";

/** The account behind a token, or null when it no longer exists (or the id cannot be one of ours). */
export async function findUser(orm: Orm, id: string): Promise<IUser | null> {
  if (!isUuid(id)) return null;
  return orm.em.fork().findOne(User, { id });
}
