import type Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { listMessages } from "../../../shared/domain/messages/listMessages.js";
import { MAX_MESSAGE_LENGTH, postMessage, postMessageInput } from "../../../shared/domain/messages/postMessage.js";
import type { AppDeps } from "../../deps.js";
import { rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentMessage } from "../../presenters/message.js";
import { sharedLimits } from "../limits.js";
import { idParam } from "../params.js";
import { route } from "../route.js";
import { bookingIdParams, messagePage, messageResponse, pageQuery } from "./schemas.js";

const tags = ["messages"];
const security = [{ bearer: [] }];

/** GET/POST /bookings/:id/messages: the conversation between a booking's guest and host. */
export function addMessageRoutes(router: Router, deps: AppDeps): void {
  const perUser = sharedLimits(deps).messagesPerUser;
  route(router, deps, {
    method: "get",
    path: "/bookings/:id/messages",
    auth: "user",
    query: listMessages,
    input: (ctx) => ({ ...ctx.query, bookingId: idParam(ctx, "booking") }),
    present: (page) => ({ data: page.data.map(presentMessage), nextCursor: page.nextCursor }),
    describe: {
      tags,
      security,
      summary: "A booking's conversation, oldest first (guest, host, or an admin reading)",
      requestParams: { path: bookingIdParams, query: pageQuery },
      responses: {
        "200": jsonResponse("One page.", messagePage),
        "400": errorResponse("validation_failed: bad limit or cursor."),
        "401": errorResponse("unauthenticated"),
        "404": errorResponse("not_found: no such booking, or not yours to see."),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/bookings/:id/messages",
    auth: "user",
    use: [perUser],
    command: postMessage,
    // The body schema is not strict: a "bookingId" in it is ignored, as any unknown key, and the path's wins.
    input: (ctx) => ({ ...(ctx.request.body as object), bookingId: idParam(ctx, "booking") }),
    status: 201,
    present: (message) => ({ message: presentMessage(message) }),
    describe: {
      tags,
      security,
      summary: "Write to the other party of a booking (guest or host)",
      description:
        `The body is trimmed and must be 1 to ${MAX_MESSAGE_LENGTH} characters. Both parties receive message.created. ` +
        `Each user may post ${config.RATE_LIMIT_MESSAGES_PER_USER} messages per minute (all bookings together). ` +
        "The conversation is open while the booking is pending_payment or confirmed, and for " +
        `${config.CONVERSATION_OPEN_DAYS_AFTER_END} days after it ended: a cancelled or expired booking ends when it ` +
        "became cancelled or expired, a completed one at check-out (00:00 UTC of the check-out day). After that " +
        "posting is 409 conversation_closed; the conversation stays readable.",
      requestParams: { path: bookingIdParams },
      requestBody: jsonBody(postMessageInput),
      responses: {
        "201": jsonResponse("The message.", messageResponse),
        "400": errorResponse("validation_failed or invalid_json."),
        "401": errorResponse("unauthenticated"),
        "403": errorResponse("forbidden: an admin may read the conversation but not write in it."),
        "404": errorResponse("not_found: no such booking, or not yours to see."),
        "409": errorResponse("conversation_closed: the booking ended too long ago to write in its conversation."),
        "429": rateLimitedResponse,
      },
    },
  });
}
