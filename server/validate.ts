import type { ZodError, z } from "zod";
import { type ErrorDetail, validationFailed } from "../shared/errors.js";

export function zodDetails(err: ZodError): ErrorDetail[] {
  return err.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));
}

/** Parses input with a zod schema, or throws 400 validation_failed naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(zodDetails(result.error));
  return result.data;
}
