import type { z } from "zod";
import { type MessageView, messageViewSchema } from "../../shared/domain/messages/view.js";

export const messageSchema = messageViewSchema.meta({ id: "Message" });

export function presentMessage(m: MessageView): z.infer<typeof messageSchema> {
  return {
    id: m.id,
    bookingId: m.bookingId,
    senderId: m.senderId,
    senderName: m.senderName,
    body: m.body,
    createdAt: m.createdAt,
  };
}
