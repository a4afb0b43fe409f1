import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineQuery } from "../commands/define.js";
import { assertMayManageBlocks } from "../listings/blocks.js";
import { exportUrlOf, listingFeeds } from "./feeds.js";
import { type CalendarView, CONFLICT_VIEW_SQL, type ConflictView } from "./view.js";

/** A listing's calendar sync settings, for its host and admins: the export URL, the feeds, the open conflicts. */
export const getCalendar = defineQuery({
  name: "calendars.get",
  input: z.object({ listingId: z.guid() }),
  async run({ actor, input: { listingId }, em }): Promise<CalendarView> {
    await assertMayManageBlocks(em, actor, listingId);
    const [{ ical_token }] = await sql(em)<{ ical_token: string }>("select ical_token from listings where id = ?", [
      listingId,
    ]);
    const conflicts = await sql(em)<{ view: ConflictView }>(
      `select ${CONFLICT_VIEW_SQL} from calendar_conflicts c
        where c.listing_id = ? and c.check_out > current_date order by c.detected_at desc, c.id limit 100`,
      [listingId],
    );
    return {
      listingId,
      exportUrl: exportUrlOf(ical_token),
      feeds: await listingFeeds(em, listingId),
      conflicts: conflicts.map((r) => r.view),
    };
  },
});
