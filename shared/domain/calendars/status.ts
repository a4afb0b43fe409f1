import { z } from "zod";

/** How an imported feed's last fetch ended (calendar_feeds.last_outcome): the one list. */
export const FEED_OUTCOMES = ["ok", "not_modified", "failed"] as const;
export const feedOutcomeSchema = z.enum(FEED_OUTCOMES);
export type FeedOutcome = z.infer<typeof feedOutcomeSchema>;
