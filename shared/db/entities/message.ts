import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { Booking } from "./booking.js";
import { createdAt } from "./timestamps.js";
import { User } from "./user.js";

export const Message = defineEntity({
  name: "Message",
  tableName: "messages",
  indexes: [{ name: "messages_booking_idx", properties: ["booking", "createdAt"] }],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    booking: p.manyToOne(Booking).fieldName("booking_id"),
    sender: p.manyToOne(User).fieldName("sender_id"),
    body: p.text(),
    createdAt: createdAt(),
  },
});
export type IMessage = InferEntity<typeof Message>;
