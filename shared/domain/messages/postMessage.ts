import { z } from "zod";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import { conflict, forbidden, notFound } from "../../errors.js";
import { multiLine } from "../../text.js";
import { bookingAudience, loadBookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import type { MessageView } from "../messages/view.js";
import { CONVERSATION_OPEN_SQL, canPostMessage, canReadMessages } from "./policy.js";
import { MESSAGE_COLUMNS, toMessageView } from "./view.js";

export const MAX_MESSAGE_LENGTH = 5000;

export const postMessageInput = z
  .object({
    // Surrounding whitespace is dropped; a message of only whitespace is empty.
    body: multiLine({ max: MAX_MESSAGE_LENGTH }),
  })
  .meta({ id: "PostMessageInput" });

/**
 * The guest or the host writes in the booking's conversation; both hear of it (`message.created`).
 * Only while the conversation is open (policy.ts: the booking is active or ended less than
 * CONVERSATION_OPEN_DAYS_AFTER_END days ago), else 409 conversation_closed; reading stays possible.
 */
export const postMessage = defineCommand({
  name: "messages.post",
  input: postMessageInput.extend({ bookingId: z.guid() }),
  async run({ actor, input, tx }): Promise<MessageView> {
    const { bookingId } = input;
    const booking = await loadBookingView(tx.em, bookingId);
    if (!booking || !canReadMessages(actor, booking)) throw notFound("booking");
    if (!canPostMessage(actor, booking)) throw forbidden("Only the guest and the host write in this conversation.");
    const days = config.CONVERSATION_OPEN_DAYS_AFTER_END;
    const q = sql(tx.em);
    const [{ open }] = await q<{ open: boolean }>(
      `select ${CONVERSATION_OPEN_SQL} as open from bookings b where b.id = ?`,
      [days, bookingId],
    );
    if (!open) {
      throw conflict(
        "conversation_closed",
        `This booking ended more than ${days} days ago (or never became a stay): its conversation is closed.`,
      );
    }
    const [row] = await q<Parameters<typeof toMessageView>[0]>(
      `with m as (insert into messages (booking_id, sender_id, body) values (?, ?, ?) returning *)
       select ${MESSAGE_COLUMNS} from m join users u on u.id = m.sender_id`,
      [bookingId, actor.id, input.body],
    );
    const message = toMessageView(row);
    await tx.emit({ type: "message.created", data: message, userIds: bookingAudience(booking) });
    return message;
  },
});
