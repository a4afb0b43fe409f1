import { z } from "zod";
import { notFound } from "../../errors.js";
import { keysetPage, type Page, pageInput } from "../../pagination.js";
import { loadBookingView } from "../bookings/view.js";
import { defineQuery } from "../commands/define.js";
import type { MessageView } from "../messages/view.js";
import { canReadMessages } from "./policy.js";
import { queryMessageViews } from "./view.js";

/** A booking's conversation, oldest first, one keyset page at a time. */
export const listMessages = defineQuery({
  name: "messages.list",
  input: pageInput.extend({ bookingId: z.guid() }),
  async run({ actor, input, em }): Promise<Page<MessageView>> {
    const booking = await loadBookingView(em, input.bookingId);
    if (!booking || !canReadMessages(actor, booking)) throw notFound("booking");
    return keysetPage(
      em,
      {
        table: "messages",
        alias: "m",
        order: "oldest",
        where: ["m.booking_id = ?"],
        params: [input.bookingId],
        page: input,
      },
      (where, params, orderAndLimit) => queryMessageViews(em, where, params, orderAndLimit),
    );
  },
});
