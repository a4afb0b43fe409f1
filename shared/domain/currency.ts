import { z } from "zod";

/**
 * The currencies a listing may be priced in (and so a booking and its payment carry): the one list.
 * The zod enum, the TypeScript type and the entities derive from it; the check constraints in the
 * migrations are compared with it by test/shapes.test.ts.
 */
export const CURRENCIES = ["ETB", "USD"] as const;
export const currencySchema = z.enum(CURRENCIES);
export type Currency = z.infer<typeof currencySchema>;
