import { z } from "zod";
import { roleSchema } from "./role.js";

/** An account as its owner (and admins) see it, never the password hash: the one definition. */
export const userViewSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof userViewSchema>;

/** What anyone in a booking sees of the other party: a name, never the email. */
export interface PersonView {
  id: string;
  name: string;
}
