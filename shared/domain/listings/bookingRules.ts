import { z } from "zod";

/** An IANA time zone name that this runtime knows ("Africa/Addis_Ababa"); stays start and end in it. */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((name) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as Africa/Addis_Ababa")
  // Stored as the runtime spells it ("africa/addis_ababa" → "Africa/Addis_Ababa"), which PostgreSQL knows too.
  .transform((name) => new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone)
  .meta({ example: "Africa/Addis_Ababa" });
