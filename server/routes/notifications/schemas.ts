import { z } from "zod";
import { EVENT_TYPES } from "../../../shared/events/eventMap.js";
import { pageLimit } from "../../../shared/pagination.js";
import { digits } from "../../../shared/text.js";

/** Request and response schemas of the notification routes: they validate input and describe the API. */

// Event ids are bigint in PostgreSQL but stay far below 2^53, so they travel as JSON numbers; in a
// query string, as digits. Neither is coerced: `true`, `[5]` or "" is not an event id.
const eventId = z
  .int({ error: "Not an event id." })
  .min(0, "Not an event id.")
  .max(Number.MAX_SAFE_INTEGER, "Not an event id.");
const eventIdQuery = digits({ min: 0, max: Number.MAX_SAFE_INTEGER });

export const notificationsQuery = z.object({
  after: eventIdQuery.default(0).meta({ description: "Only events with a greater id (a nextCursor or lastEventId)." }),
  limit: pageLimit,
});

export const markReadBody = z
  .object({ upTo: eventId.meta({ description: "Events up to this id (included) become read." }) })
  .meta({ id: "MarkNotificationsReadRequest" });

export const eventEnvelopeSchema = z
  .object({
    id: z.number().int().meta({ description: "The event's id: increasing, the same as on the socket." }),
    type: z.enum(EVENT_TYPES as [string, ...string[]]),
    at: z.string().meta({ description: "When it happened (ISO-8601 UTC)." }),
    data: z.record(z.string(), z.unknown()).meta({ description: "The payload of that type (API.md, Real-time)." }),
  })
  .meta({ id: "EventEnvelope" });

export const notificationsPageSchema = z
  .object({
    data: z.array(eventEnvelopeSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `after` for the next page; null at the end." }),
    unread: z.number().int().meta({ description: "The caller's events newer than their read mark." }),
  })
  .meta({ id: "NotificationsPage" });

export const markReadResponse = z.object({
  readUpTo: z.number().int().meta({ description: "The read mark now (it never moves back)." }),
  unread: z.number().int(),
});
