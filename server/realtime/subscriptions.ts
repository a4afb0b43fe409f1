import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import type { SocketAck, SocketErrorCode } from "../../shared/browser/protocol.js";
import type { Orm } from "../../shared/db/orm.js";
import { listingExists, mayFollowBooking } from "../../shared/domain/realtime/subscriptionTargets.js";
import { OPS_ROOM } from "../../shared/events/opsFeed.js";
import { bookingRoom, listingRoom, type NexusSocket } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";
import type { SocketSession } from "./auth.js";

const target = z.union([
  z.strictObject({ bookingId: z.uuid() }),
  z.strictObject({ listingId: z.uuid() }),
  z.strictObject({ ops: z.literal(true) }),
]);

export const errorAck = (code: SocketErrorCode, message: string): SocketAck => ({
  ok: false,
  error: { code, message },
});
const OK: SocketAck = { ok: true };

const isSubscription = (room: string) => room.startsWith("booking:") || room.startsWith("listing:");

/**
 * The room a target names, if the socket's user may follow it. A booking: its guest, its host or an
 * admin (bookings policy); anyone else gets not_found, exactly as for an unknown id, so ids never
 * reveal that a booking exists. A listing's availability feed: anyone, if the listing exists.
 */
async function roomFor(em: EntityManager, session: SocketSession, input: z.infer<typeof target>) {
  // The operations feed (ops.update): admins only; anyone else is told it does not exist.
  if ("ops" in input) return session.user.role === "admin" ? OPS_ROOM : null;
  if ("bookingId" in input)
    return (await mayFollowBooking(em, session.user, input.bookingId)) ? bookingRoom(input.bookingId) : null;
  return (await listingExists(em, input.listingId)) ? listingRoom(input.listingId) : null;
}

/** `subscribe` / `unsubscribe` with `{bookingId}` or `{listingId}`, acknowledged as API.md says. */
export function handleSubscriptions(socket: NexusSocket, deps: { orm: Orm; maxSubscriptions: number }): void {
  const session = socket.data;

  const handler =
    (action: (input: z.infer<typeof target>) => Promise<SocketAck>) =>
    (...args: unknown[]) => {
      // The ack is the last argument when the client asked for one; without it we still act, silently.
      const ack = typeof args[args.length - 1] === "function" ? (args.pop() as (r: SocketAck) => void) : null;
      const parsed = args.length === 1 ? target.safeParse(args[0]) : null;
      const result = parsed?.success
        ? action(parsed.data).catch((err) => {
            logger.error({ err, userId: session.user.id }, "socket subscription failed");
            return errorAck("internal_error", "Something went wrong; try again.");
          })
        : Promise.resolve(
            errorAck(
              "validation_failed",
              "Send one object: {bookingId} or {listingId}, a UUID, or {ops: true} (admins).",
            ),
          );
      void result.then((r) => ack?.(r));
    };

  socket.on(
    "subscribe",
    handler(async (input) => {
      const room = await roomFor(deps.orm.em.fork() as EntityManager, session, input);
      if (!room)
        return errorAck(
          "not_found",
          `The ${"bookingId" in input ? "booking" : "ops" in input ? "feed" : "listing"} was not found.`,
        );
      if (!socket.connected || socket.rooms.has(room)) return OK; // gone meanwhile: joining would leak a room
      const held = [...socket.rooms].filter(isSubscription).length;
      if (held >= deps.maxSubscriptions) {
        return errorAck("too_many_subscriptions", `At most ${deps.maxSubscriptions} subscriptions per connection.`);
      }
      socket.join(room);
      return OK;
    }),
  );

  socket.on(
    "unsubscribe",
    handler(async (input) => {
      socket.leave(
        "bookingId" in input ? bookingRoom(input.bookingId) : "ops" in input ? OPS_ROOM : listingRoom(input.listingId),
      );
      return OK;
    }),
  );
}
