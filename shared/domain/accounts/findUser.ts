import { type IUser, User } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account behind a token, or null when it no longer exists (or the id cannot be one of ours). */
export async function findUser(orm: Orm, id: string): Promise<IUser | null> {
  if (!UUID.test(id)) return null;
  return orm.em.fork().findOne(User, { id });
}
