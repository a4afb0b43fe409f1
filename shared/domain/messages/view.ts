import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";

/** A message in a booking's conversation: the one definition (type and presenter schema derive from it). */
export const messageViewSchema = z.object({
  id: z.uuid(),
  bookingId: z.uuid(),
  senderId: z.uuid(),
  senderName: z.string(),
  body: z.string(),
  createdAt: z.iso.datetime(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

interface MessageRow {
  id: string;
  booking_id: string;
  sender_id: string;
  sender_name: string;
  body: string;
  created_at: Date;
}

/** Columns of a message as users see it, over `messages m` joined to its sender `u`. */
export const MESSAGE_COLUMNS = "m.id, m.booking_id, m.sender_id, u.name as sender_name, m.body, m.created_at";

export function toMessageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    bookingId: row.booking_id,
    senderId: row.sender_id,
    senderName: row.sender_name,
    body: row.body,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Messages by a where clause over `m` (parameters bound), in the given order. */
export async function queryMessageViews(
  em: EntityManager,
  where: string,
  params: unknown[],
  orderAndLimit: string,
): Promise<MessageView[]> {
  const rows = await sql(em)<MessageRow>(
    `select ${MESSAGE_COLUMNS} from messages m join users u on u.id = m.sender_id where ${where} ${orderAndLimit}`,
    params,
  );
  return rows.map(toMessageView);
}
