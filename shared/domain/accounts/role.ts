import { z } from "zod";

/** What an account is: the one list (zod enum, type and the users entity derive from it). */
export const ROLES = ["guest", "host", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;
