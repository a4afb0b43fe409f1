import { z } from "zod";
import { EVENT_TYPES } from "../../../shared/events/eventMap.js";

/** Request and response schemas of the notification routes: they validate input and describe the API. */

// Defined once, with the query and the command that parse them.
export {
  markReadInput as markReadBody,
  notificationsInput as notificationsQuery,
} from "../../../shared/domain/notifications/notifications.js";

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
