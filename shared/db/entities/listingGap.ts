import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { GAP_WALK_INDEXES } from "../migrations/Migration20261202140000_searchAtScale.js";

/**
 * The spans of nights no confirmed booking or block holds, per listing, with the listing's searched
 * columns copied in: what a date search picks its candidates from (migration searchAtScale). Kept
 * by triggers in the transaction of every change to them; no command writes it.
 */
export const ListingGap = defineEntity({
  name: "ListingGap",
  tableName: "listing_gaps",
  indexes: [
    { name: "listing_gaps_free_idx", expression: "-- migration searchAtScale: gist (free) where active" },
    {
      name: "listing_gaps_city_free_idx",
      expression: "-- migration searchAtScale: gist (city_key, free) where active",
    },
    ...Object.keys(GAP_WALK_INDEXES).map((name) => ({ name, expression: `-- migration searchAtScale: ${name}` })),
  ],
  properties: {
    listingId: p.uuid().primary(),
    free: p.string().columnType("daterange").primary(),
    active: p.boolean(),
    cityKey: p.text(),
    countryKey: p.text(),
    price: p.integer(),
    maxGuests: p.integer(),
    createdAt: p.datetime().columnType("timestamptz"),
    rating: p.decimal(),
    latitude: p.double().nullable(),
    longitude: p.double().nullable(),
  },
});
export type IListingGap = InferEntity<typeof ListingGap>;
