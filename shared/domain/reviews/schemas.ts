import { z } from "zod";
import { multiLine } from "../../text.js";

export const reviewInputSchema = z
  .strictObject({
    rating: z.int().min(1).max(5),
    comment: multiLine({ max: 2000 }),
  })
  .meta({ id: "ReviewInput" });
export type ReviewInput = z.output<typeof reviewInputSchema>;
