import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";
import { assertMayManageBlocks } from "../listings/blocks.js";
import { exportUrlOf } from "./feeds.js";

/** A new secret for the listing's export URL: the old URL answers 404 from this commit on. */
export const rotateExportToken = defineCommand({
  name: "calendars.export.rotate",
  input: z.object({ listingId: z.guid() }),
  async run({ actor, input: { listingId }, tx }): Promise<{ exportUrl: string }> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    const [{ ical_token }] = await sql(tx.em)<{ ical_token: string }>(
      "update listings set ical_token = encode(gen_random_bytes(32), 'hex') where id = ? returning ical_token",
      [listingId],
    );
    return { exportUrl: exportUrlOf(ical_token) };
  },
});
