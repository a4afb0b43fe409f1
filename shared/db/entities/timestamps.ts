import { p } from "@mikro-orm/core";

/** `created_at`: set by the database (now()) and by MikroORM on insert. */
export const createdAt = () =>
  p
    .datetime()
    .defaultRaw("now()")
    .onCreate(() => new Date());

/** `updated_at`: as createdAt, and moved on by MikroORM on every update it makes. */
export const updatedAt = () =>
  p
    .datetime()
    .defaultRaw("now()")
    .onCreate(() => new Date())
    .onUpdate(() => new Date());
