import { z } from "zod";
import { config } from "../../config.js";
import type { CommandTx } from "../../db/runCommand.js";
import { conflict, forbidden, notFound } from "../../errors.js";
import type { MessageView } from "../../events/eventMap.js";
import { multiLine } from "../../text.js";
import type { Actor } from "../accounts/tokens.js";
import { bookingAudience, loadBookingView } from "../bookings/view.js";
import { CONVERSATION_OPEN_SQL, canPostMessage, canReadMessages } from "./policy.js";
import { MESSAGE_COLUMNS, toMessageView } from "./view.js";

export const MAX_MESSAGE_LENGTH = 5000;

export const postMessageInput = z
  .object({
    // Surrounding whitespace is dropped; a message of only whitespace is empty.
    body: multiLine({ max: MAX_MESSAGE_LENGTH }),
  })
  .meta({ id: "PostMessageInput" });

export type PostMessageInput = z.output<typeof postMessageInput>;

/**
 * The guest or the host writes in the booking's conversation; both hear of it (`message.created`).
 * Only while the conversation is open (policy.ts: the booking is active or ended less than
 * CONVERSATION_OPEN_DAYS_AFTER_END days ago), else 409 conversation_closed; reading stays possible.
 */
export async function postMessage({
  actor,
  bookingId,
  input,
  tx,
}: {
  actor: Actor;
  bookingId: string;
  input: PostMessageInput;
  tx: CommandTx;
}): Promise<MessageView> {
  const booking = await loadBookingView(tx.em, bookingId);
  if (!booking || !canReadMessages(actor, booking)) throw notFound("booking");
  if (!canPostMessage(actor, booking)) throw forbidden("Only the guest and the host write in this conversation.");
  const days = config.CONVERSATION_OPEN_DAYS_AFTER_END;
  const [{ open }] = await tx.em
    .getConnection()
    .execute<{ open: boolean }[]>(
      `select ${CONVERSATION_OPEN_SQL} as open from bookings b where b.id = ?`,
      [days, bookingId],
      "all",
      tx.em.getTransactionContext(),
    );
  if (!open) {
    throw conflict(
      "conversation_closed",
      `This booking ended more than ${days} days ago (or never became a stay): its conversation is closed.`,
    );
  }
  const [row] = await tx.em.getConnection().execute(
    `with m as (insert into messages (booking_id, sender_id, body) values (?, ?, ?) returning *)
     select ${MESSAGE_COLUMNS} from m join users u on u.id = m.sender_id`,
    [bookingId, actor.id, input.body],
    "all",
    tx.em.getTransactionContext(),
  );
  const message = toMessageView(row as Parameters<typeof toMessageView>[0]);
  await tx.emit({ type: "message.created", data: message, userIds: bookingAudience(booking) });
  return message;
}
