export * from "./booking.js";
export * from "./calendarFeed.js";
export * from "./event.js";
export * from "./idempotencyKey.js";
export * from "./listing.js";
export * from "./listingBlock.js";
export * from "./listingGap.js";
export * from "./listingOccupancy.js";
export * from "./listingPhoto.js";
export * from "./loginEvent.js";
export * from "./message.js";
export * from "./notificationCount.js";
export * from "./payment.js";
export * from "./review.js";
export * from "./security.js";
export * from "./sideEffect.js";
export * from "./user.js";
export * from "./webhookReceipt.js";

import { Booking } from "./booking.js";
import { CalendarConflict, CalendarFeed, CalendarFeedEvent } from "./calendarFeed.js";
import { Event, EventOutbox, EventRelayState } from "./event.js";
import { IdempotencyKey } from "./idempotencyKey.js";
import { Listing } from "./listing.js";
import { ListingBlock } from "./listingBlock.js";
import { ListingGap } from "./listingGap.js";
import { ListingOccupancy } from "./listingOccupancy.js";
import { ListingPhoto } from "./listingPhoto.js";
import { LoginEvent } from "./loginEvent.js";
import { Message } from "./message.js";
import { NotificationCount, NotificationLog } from "./notificationCount.js";
import { Payment } from "./payment.js";
import { Review } from "./review.js";
import { IpBlock, OpsSample, SecurityAlert } from "./security.js";
import { SideEffect } from "./sideEffect.js";
import { User } from "./user.js";
import { WebhookReceipt } from "./webhookReceipt.js";

export const entities = [
  User,
  Listing,
  Booking,
  Payment,
  WebhookReceipt,
  Review,
  Message,
  Event,
  EventOutbox,
  EventRelayState,
  SideEffect,
  LoginEvent,
  IdempotencyKey,
  ListingBlock,
  ListingOccupancy,
  ListingGap,
  ListingPhoto,
  NotificationLog,
  NotificationCount,
  CalendarFeed,
  CalendarFeedEvent,
  CalendarConflict,
  IpBlock,
  SecurityAlert,
  OpsSample,
];
