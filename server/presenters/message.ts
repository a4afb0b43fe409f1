import { z } from "zod";
import type { MessageView } from "../../shared/events/eventMap.js";

export const messageSchema = z
  .object({
    id: z.uuid(),
    bookingId: z.uuid(),
    senderId: z.uuid(),
    senderName: z.string(),
    body: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Message" });

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
