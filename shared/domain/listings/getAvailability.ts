import type { EntityManager } from "@mikro-orm/postgresql";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Orm } from "../../db/orm.js";
import { blockedRanges } from "../bookings/availability.js";
import type { StayRange } from "../bookings/view.js";
import { defineQuery, withIds } from "../commands/define.js";
import type { DatabaseDeps } from "../deps.js";
import { readFromReplica } from "./replicaReads.js";
import { availabilityQuerySchema } from "./schemas.js";
import { lastChangePosition } from "./searchCache.js";
import { assertListingExists } from "./view.js";

/** Where availability may be read: the primary, or the replica once it has replayed the last change. */
type AvailabilityDeps = DatabaseDeps & { redis?: Redis; replica?: Orm | null };

/**
 * The stays and calendar blocks that block a listing's dates (optionally within [from, to)); 404 for an
 * unknown listing. On the replica when there is one, as fresh as search (replicaReads.ts).
 */
export const getAvailability = defineQuery({
  name: "listings.availability",
  actor: "system",
  input: withIds({ listingId: z.guid() }, availabilityQuerySchema),
  async run({
    input,
    em,
    deps,
  }: {
    input: { listingId: string; from?: string; to?: string };
    em: EntityManager;
    deps: AvailabilityDeps;
  }): Promise<StayRange[]> {
    const read = async (on: EntityManager) => {
      await assertListingExists(on, input.listingId);
      return blockedRanges(on, input.listingId, input);
    };
    if (!deps.replica || !deps.redis) return read(em);
    return readFromReplica({ orm: deps.orm, replica: deps.replica }, await lastChangePosition(deps.redis), read);
  },
});
