import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261126040923_initial } from "./Migration20261126040923_initial.js";
import { Migration20261126071500_holdBookingDates } from "./Migration20261126071500_holdBookingDates.js";
import { Migration20261126075000_loginEventsRateLimited } from "./Migration20261126075000_loginEventsRateLimited.js";
import { Migration20261201230000_usersTokenVersion } from "./Migration20261201230000_usersTokenVersion.js";
import { Migration20261201231500_abuseLimits } from "./Migration20261201231500_abuseLimits.js";
import { Migration20261202001000_bookingsOverlapGuard } from "./Migration20261202001000_bookingsOverlapGuard.js";
import { Migration20261202013000_bookingReadModel } from "./Migration20261202013000_bookingReadModel.js";
import { Migration20261202060000_bookingRules } from "./Migration20261202060000_bookingRules.js";
import { Migration20261202061000_holdRules } from "./Migration20261202061000_holdRules.js";
import { Migration20261202062000_cancellationRefunds } from "./Migration20261202062000_cancellationRefunds.js";
import { Migration20261202063000_calendarBlocks } from "./Migration20261202063000_calendarBlocks.js";
import { Migration20261202140000_searchAtScale } from "./Migration20261202140000_searchAtScale.js";
import { Migration20261202141000_notificationCounts } from "./Migration20261202141000_notificationCounts.js";
import { Migration20261203080000_eventRelay } from "./Migration20261203080000_eventRelay.js";
import { Migration20261203100000_calendarSync } from "./Migration20261203100000_calendarSync.js";
import { Migration20261203100100_icalExportFunction } from "./Migration20261203100100_icalExportFunction.js";
import { Migration20261204200000_loginGeoIp } from "./Migration20261204200000_loginGeoIp.js";
import { Migration20261204200100_opsSamples } from "./Migration20261204200100_opsSamples.js";
import { Migration20261204300000_pricingAndPhotos } from "./Migration20261204300000_pricingAndPhotos.js";
import { Migration20261205100000_eventWatermark } from "./Migration20261205100000_eventWatermark.js";
import { Migration20261206100000_eventWatermarkOnce } from "./Migration20261206100000_eventWatermarkOnce.js";

/** Every migration, in order. New ones are generated with `npm run migration:create` and added here. */
export const migrationsList: MigrationObject[] = [
  { name: "Migration20261126040923_initial", class: Migration20261126040923_initial },
  { name: "Migration20261126071500_holdBookingDates", class: Migration20261126071500_holdBookingDates },
  { name: "Migration20261126075000_loginEventsRateLimited", class: Migration20261126075000_loginEventsRateLimited },
  { name: "Migration20261201230000_usersTokenVersion", class: Migration20261201230000_usersTokenVersion },
  { name: "Migration20261201231500_abuseLimits", class: Migration20261201231500_abuseLimits },
  { name: "Migration20261202001000_bookingsOverlapGuard", class: Migration20261202001000_bookingsOverlapGuard },
  { name: "Migration20261202013000_bookingReadModel", class: Migration20261202013000_bookingReadModel },
  { name: "Migration20261202060000_bookingRules", class: Migration20261202060000_bookingRules },
  { name: "Migration20261202061000_holdRules", class: Migration20261202061000_holdRules },
  { name: "Migration20261202062000_cancellationRefunds", class: Migration20261202062000_cancellationRefunds },
  { name: "Migration20261202063000_calendarBlocks", class: Migration20261202063000_calendarBlocks },
  { name: "Migration20261202140000_searchAtScale", class: Migration20261202140000_searchAtScale },
  { name: "Migration20261202141000_notificationCounts", class: Migration20261202141000_notificationCounts },
  { name: "Migration20261203080000_eventRelay", class: Migration20261203080000_eventRelay },
  { name: "Migration20261203100000_calendarSync", class: Migration20261203100000_calendarSync },
  { name: "Migration20261203100100_icalExportFunction", class: Migration20261203100100_icalExportFunction },
  { name: "Migration20261204200000_loginGeoIp", class: Migration20261204200000_loginGeoIp },
  { name: "Migration20261204200100_opsSamples", class: Migration20261204200100_opsSamples },
  { name: "Migration20261204300000_pricingAndPhotos", class: Migration20261204300000_pricingAndPhotos },
  { name: "Migration20261205100000_eventWatermark", class: Migration20261205100000_eventWatermark },
  { name: "Migration20261206100000_eventWatermarkOnce", class: Migration20261206100000_eventWatermarkOnce },
];
