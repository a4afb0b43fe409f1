import { z } from "zod";
import { text } from "../listings/schemas.js";

export const reviewInputSchema = z
  .strictObject({
    rating: z.int().min(1).max(5),
    comment: text(2000),
  })
  .meta({ id: "ReviewInput" });
export type ReviewInput = z.output<typeof reviewInputSchema>;
