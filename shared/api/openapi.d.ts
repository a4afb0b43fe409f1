/**
 * Generated from GET /api/v1/openapi.json by `npm run openapi:types` (openapi-typescript): do not edit.
 * test/openapi.test.ts fails when this file no longer matches the document the server serves.
 */

export interface paths {
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a guest or host account
         * @description Emails are trimmed and case-insensitive. At most 20 per IP per hour. A blank password, or one of the 10,000 most common ones (case-insensitive), is 400 validation_failed naming `password`. The token carries `exp`, `iss`, `aud` and the account's token version (`ver`).
         */
        post: operations["postAuthRegister"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange an email and password for a bearer token
         * @description Every attempt is recorded (time, IP, user agent, outcome). At most 50 attempts per IP and 10 per email per 15 minutes; the first refused attempt of each window is recorded with rateLimited: true, the ones after it only counted.
         */
        post: operations["postAuthLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account the bearer token belongs to */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out: revoke every token of the caller's account
         * @description Every token issued to this account so far stops working (tokens carry no session of their own, so a logout ends them all). Revocation holds at once on every web instance's REST API, and ends the account's open sockets within a second (`session.expired` with reason `token_revoked`, then a server disconnect).
         */
        post: operations["postAuthLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the caller's password
         * @description Requires the current password. The new one follows registration's rules (8 to 200 characters, not blank, not one of the 10,000 most common). Every earlier token is revoked; the response carries a fresh one. Revocation holds at once on every web instance's REST API, and ends the account's open sockets within a second (`session.expired` with reason `token_revoked`, then a server disconnect). At most 10 attempts per account per 15 minutes.
         */
        post: operations["postMePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/login-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Login attempts, newest first (admin) */
        get: operations["getAdminLoginEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/login-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's own login history, newest first
         * @description Every login attempt against the caller's account (successes and failures), with where it came from (offline GeoIP, recorded at the time) and the device (browser and OS families). Kept LOGIN_EVENT_RETENTION_DAYS days.
         */
        get: operations["getMeLoginEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search active listings
         * @description City and country match case-insensitively and exactly. With checkIn and checkOut (both or neither, checkOut after checkIn) only listings with no confirmed booking or live hold overlapping [checkIn, checkOut) are returned; stays that only touch do not conflict. Listings whose host blocked any of those nights are left out too. Newest first; pass nextCursor back as cursor for the next page. Answers are cached (X-Cache: hit|miss) but never outlive a booking, cancellation, expiry, calendar block or listing change.
         */
        get: operations["getListings"];
        put?: never;
        /** List a place (hosts and admins) */
        post: operations["postListings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a listing (archived ones too, with status archived) */
        get: operations["getListingsById"];
        put?: never;
        post?: never;
        /**
         * Archive a listing (its host or an admin)
         * @description The listing leaves search and cannot be booked; it stays readable by id. Existing bookings are kept. Archiving again is a no-op.
         */
        delete: operations["deleteListingsById"];
        options?: never;
        head?: never;
        /**
         * Change some fields of a listing (its host or an admin)
         * @description Same rules as creation for each field sent; at least one field. Other users get 403 (listings are public).
         */
        patch: operations["patchListingsById"];
        trace?: never;
    };
    "/api/v1/listings/{id}/availability": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Blocked stays of a listing
         * @description Confirmed bookings, holds and requests not yet expired, and the host's calendar blocks, optionally only those overlapping [from, to); one entry per booking or block (not merged, a block is not told apart), by check-in.
         */
        get: operations["getListingsByIdAvailability"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/reviews": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A listing's reviews, newest first */
        get: operations["getListingsByIdReviews"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A listing's calendar blocks that are not over (its host or an admin)
         * @description Every block whose checkOut is after today (UTC), by checkIn; not paginated (blocks never overlap and reach at most 730 days ahead, so the list is bounded).
         */
        get: operations["getListingsByIdBlocks"];
        put?: never;
        /**
         * Block nights on a listing's calendar (its host or an admin)
         * @description [checkIn, checkOut) like a stay: from today (UTC) on, at most 365 nights, ending at most 730 days ahead. The nights leave availability, search and the listing.availability feed at once. A block can never overlap an active booking (pending_approval, pending_payment, confirmed) or another block: one exclusion constraint decides, so a block racing a booking for the same nights ends with exactly one of them; the other gets 409. An unpaid hold that has lapsed but was not swept yet is expired first and does not stand in the way.
         */
        post: operations["postListingsByIdBlocks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/blocks/{blockId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Free the nights of a calendar block (its host or an admin)
         * @description The nights can be booked as soon as this answers.
         */
        delete: operations["deleteListingsByIdBlocksByBlockId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A listing's calendar sync: export URL, imported feeds and their status, conflicts
         * @description Each feed shows when it was last fetched, how that went (ok, not_modified, failed with its error), how many events it has and when it is fetched next. Imported nights are in GET /listings/{id}/blocks with source: feed.
         */
        get: operations["getListingsByIdCalendar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/calendar/export-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the secret of the listing's export URL (the old URL stops working) */
        post: operations["postListingsByIdCalendarExportToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/calendar/feeds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import another channel's iCal feed into the listing's calendar
         * @description The worker fetches it at once and then every ICAL_POLL_MINUTES (jittered). Each event's nights become an external block; an event over a reservation keeps the reservation and alerts the host (calendar.conflict and an email). Only http(s) URLs; addresses of the internal network are refused here and at every fetch.
         */
        post: operations["postListingsByIdCalendarFeeds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/calendar/feeds/{feedId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop importing a feed: its blocks are removed and their nights can be booked again */
        delete: operations["deleteListingsByIdCalendarFeedsByFeedId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/calendar/feeds/{feedId}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch a feed now rather than at its next poll */
        post: operations["postListingsByIdCalendarFeedsByFeedIdSync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/quote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The itemised price of a stay
         * @description Lines in this order, each left out when 0: nights (one line per run of nights at one price: base, weekend (Friday and Saturday nights) or a seasonal override, the shortest override covering a night winning), extra_guests (per night above includedGuests), discount (negative: weekly from 7 nights, monthly from 28, of the nights only), cleaning_fee (once), service_fee (SERVICE_FEE_PERCENT of the subtotal) and taxes (TAX_PERCENT of the subtotal plus the service fee). Rounding: every line is rounded to the minor unit on its own (half up); total is the sum of the lines. Send quoteToken with POST /bookings to book at exactly this price until expiresAt, whatever the host changes meanwhile. Availability is not checked: the booking decides.
         */
        get: operations["getListingsByIdQuote"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/photos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Put a listing's photos in a new order (its host or an admin)
         * @description photoIds lists every photo of the listing once; the first is the cover search shows.
         */
        put: operations["putListingsByIdPhotos"];
        /**
         * Add a photo to a listing (its host or an admin)
         * @description multipart/form-data with the image in the field photo: JPEG, PNG or WebP (told by its bytes, not its name or declared type), at most 10000000 bytes and 40000000 pixels. It is decoded and re-encoded (EXIF, GPS and every other metadata dropped; the EXIF orientation applied) in three sizes, WebP, stored under content-hashed names and served with a year's cache. It goes last in the listing's order; a listing has at most 20. A refused upload stores nothing.
         */
        post: operations["postListingsByIdPhotos"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/listings/{id}/photos/{photoId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a listing's photo and every size of it (its host or an admin) */
        delete: operations["deleteListingsByIdPhotosByPhotoId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your bookings, newest first */
        get: operations["getBookings"];
        put?: never;
        /**
         * Hold a listing's dates while the guest pays, or request to book
         * @description The hold lasts 15 minutes (expiresAt). The booking stores the lines it is priced with (priceLines; totalPrice is their sum), those of GET /listings/{id}/quote: with that quote's quoteToken, exactly the quote's lines, whatever the host changed since, until the token expires; after that the current price, unless it moved (409 price_changed: ask for a new quote); without a token, the listing's price at this moment. On a listing whose bookingMode is request, the booking is a request to book instead: status pending_approval, holding the dates until the host accepts or declines, or expiresAt (24 hours) passes and it is declined on its own. checkIn may be today (UTC) or later; stays are 1 to 365 nights, and within the listing's minNights..maxNights. A user may have at most 3 unpaid holds plus pending requests at once (paid and lapsed ones do not count). After a user's unpaid hold on a listing ended without payment (it expired or was cancelled), they may not hold that listing again for 30 minutes, counted from when the hold ended. At most 30 per user per minute. Send an Idempotency-Key (one line of text, ≤ 255 chars) to retry safely: the same key and body replay the first response (header Idempotent-Replayed: true); a duplicate arriving while the first still runs waits up to 5 s for it. Keys are remembered for 24 hours.
         */
        post: operations["postBookings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One booking (its guest, its listing's host, or an admin) */
        get: operations["getBookingsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/cancellation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What cancelling now would refund the caller (guest, listing host or admin)
         * @description The same figure and rule the cancel would apply at this moment, for the actor asking. Refunds follow the listing's cancellationPolicy, counted in days to the start of the check-in day in the listing's timeZone (a cancellation before a deadline gets that tier's share): Flexible: full refund until 1 day before check-in, 50% after. Moderate: full refund until 5 days before check-in, 50% after. Strict: full refund until 14 days before check-in, 50% until 7 days before, nothing after. The share is of totalPrice less the platform's service fee (its priceLines line, SERVICE_FEE_PERCENT), floored to the minor unit, and never more than was paid (succeeded payments not yet refunded); an unpaid hold or request refunds 0: the service fee is kept on a guest's cancellation. A host cancelling refunds the guest in full (the service fee too), whenever. An admin gets the policy's figure, or sends refundAmount (0 to what was paid). A guest cannot cancel a confirmed stay once its check-in day has begun (409 stay_started); the host and admins still may (the host refunding in full, an admin the last tier's share or refundAmount). A confirmed stay whose check-out day has begun is over: it is completed (reviews open) and cannot be cancelled (409 invalid_transition).
         */
        get: operations["getBookingsByIdCancellation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a request, a hold or a confirmed booking (guest, host or admin)
         * @description The dates free up at once. The refund is computed as GET /bookings/{id}/cancellation computes it, at the moment of cancelling, and returned (refund, rule) and kept on the booking (refundAmount, cancelledBy); the worker carries it out through Chapa (a partial refund sends the amount; 0 asks Chapa nothing). Refunds follow the listing's cancellationPolicy, counted in days to the start of the check-in day in the listing's timeZone (a cancellation before a deadline gets that tier's share): Flexible: full refund until 1 day before check-in, 50% after. Moderate: full refund until 5 days before check-in, 50% after. Strict: full refund until 14 days before check-in, 50% until 7 days before, nothing after. The share is of totalPrice less the platform's service fee (its priceLines line, SERVICE_FEE_PERCENT), floored to the minor unit, and never more than was paid (succeeded payments not yet refunded); an unpaid hold or request refunds 0: the service fee is kept on a guest's cancellation. A host cancelling refunds the guest in full (the service fee too), whenever. An admin gets the policy's figure, or sends refundAmount (0 to what was paid). A guest cannot cancel a confirmed stay once its check-in day has begun (409 stay_started); the host and admins still may (the host refunding in full, an admin the last tier's share or refundAmount). A confirmed stay whose check-out day has begun is over: it is completed (reviews open) and cannot be cancelled (409 invalid_transition).
         */
        post: operations["postBookingsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept a request to book (listing host or admin)
         * @description On a pending_approval booking within its deadline only: it becomes pending_payment with a fresh hold of 15 minutes (expiresAt) for the guest to pay. The guest is told live (booking.updated) and by email. A request past its deadline is declined instead (409).
         */
        post: operations["postBookingsByIdAccept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline a request to book (listing host or admin)
         * @description On a pending_approval booking only: it becomes declined and its dates free up at once (listing.availability). The guest is told live (booking.updated) and by email; nothing was paid.
         */
        post: operations["postBookingsByIdDecline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A booking's conversation, oldest first (guest, host, or an admin reading) */
        get: operations["getBookingsByIdMessages"];
        put?: never;
        /**
         * Write to the other party of a booking (guest or host)
         * @description The body is trimmed and must be 1 to 5000 characters. Both parties receive message.created. Each user may post 30 messages per minute (all bookings together). The conversation is open while the booking is pending_payment or confirmed, and for 14 days after it ended: a cancelled or expired booking ends when it became cancelled or expired, a completed one at check-out (00:00 UTC of the check-out day). After that posting is 409 conversation_closed; the conversation stays readable.
         */
        post: operations["postBookingsByIdMessages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Review a completed stay (its guest, once)
         * @description Only the guest of the booking, once it is completed. A booking the caller may not see is 404; its host or an admin get 403; the guest of a stay not completed yet gets 409 invalid_transition; a second review of the same stay is 409 already_reviewed. The listing's ratingAverage and reviewCount include it at once.
         */
        post: operations["postBookingsByIdReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/bookings/{id}/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start paying a held booking through Chapa's hosted checkout
         * @description Only the booking's guest, while the booking is pending_payment and its hold has not expired. Open checkoutUrl to pay; the booking is confirmed once Chapa's payment is verified (webhook, return or reconciliation). While a pending payment exists it is returned again with 200 instead of a new one (201). Send an Idempotency-Key (one line of text, ≤ 255 chars) to retry safely: the same key replays the first response (keys are remembered for 24 hours).
         */
        post: operations["postBookingsByIdPayments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/chapa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Chapa's webhook (charge.success, charge.failed, charge.refunded)
         * @description x-chapa-signature is required and must be the hex HMAC-SHA256 of the raw body with the webhook secret; chapa-signature (the same value on every delivery) is ignored, so a delivery carrying only it is refused. Every accepted delivery is recorded (deduplicated by the body's sha256; a redelivery is answered 200 without acting again), then the transaction is verified with Chapa and settled only if tx_ref, amount, currency and mode match the stored payment. charge.refunded for a paid payment is verified too: if Chapa says refunded (a refund made on Chapa's side), the payment becomes refunded; a booking still upcoming (check-in day not begun in the listing's time zone) is cancelled with cancelledBy provider, one that has begun is left as it is with a note for an operator; guest and host hear it live (payment.updated, booking.updated) and by email. A refund we asked for is only recorded, and a partial refund (verify still success) changes nothing. An unknown tx_ref is recorded and answered 200. If Chapa cannot be asked, the answer is 502 so that Chapa retries the delivery (reconciliation also settles it later). A signed body holding NUL or lone surrogates is recorded with U+FFFD in their place (jsonb cannot hold them) rather than refused, which Chapa would retry; a tx_ref that is not one line of text is taken as absent (ignored).
         */
        post: operations["postWebhooksChapa"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payments/return": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where Chapa sends the browser back after checkout
         * @description Verifies the payment with Chapa and settles it, then redirects (302) to the app at `PUBLIC_URL/?payment=<pending|succeeded|failed|refunded|unknown>&booking=<bookingId>`. An unknown tx_ref redirects with payment=unknown; if Chapa cannot be asked, the stored status is used. One Chapa verify per tx_ref answers every return and callback of it arriving while it runs or within 5 s after it (across web instances); those answer from the stored payment. That verify is one request to Chapa, not retried (the webhook and reconciliation settle what it could not). At most 30 per IP per minute.
         */
        get: operations["getPaymentsReturn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payments/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Chapa's callback after a checkout (a signal: verified, then settled)
         * @description Answers 200 for any tx_ref, known or not, so it tells callers nothing about our payments. One Chapa verify per tx_ref answers every return and callback of it arriving while it runs or within 5 s after it (across web instances); those answer from the stored payment. That verify is one request to Chapa, not retried (the webhook and reconciliation settle what it could not). At most 300 per IP per minute.
         */
        get: operations["getPaymentsCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payments/{txRef}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A payment, for its payer, the listing's host or an admin */
        get: operations["getPaymentsByTxRef"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's events, oldest first, with the unread count
         * @description The same events the socket sends to the caller's room (booking.created, booking.updated, payment.updated, message.created), with the same ids. listing.availability events are live-only (socket subscribers) and never listed here. Page with `after` = the previous page's nextCursor.
         */
        get: operations["getNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark the caller's events up to an id as read
         * @description The read mark only moves forward: an older upTo changes nothing.
         */
        post: operations["postNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Jobs by state, most recently finished first (admin)
         * @description `state=failed` lists jobs whose last run failed: those waiting for a retry (nextRunAt set) and those that used up their attempts or failed permanently (nextRunAt null), which stay until retried.
         */
        get: operations["getAdminJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a failed job again now, with a fresh attempt budget (admin) */
        post: operations["postAdminJobsByIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/analytics/logins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Login attempts by country, UTC day or ASN (admin)
         * @description Successes, failures (wrong password, unknown email, rate limited), blocked attempts and distinct accounts in [from, to), grouped by the place recorded with each attempt (offline GeoIP, at the time of the attempt).
         */
        get: operations["getAdminAnalyticsLogins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/analytics/failing-ips": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The IPs with the most failed logins (admin)
         * @description A ranking (not paginated): at most `limit` (default 20) IPs, most failures first, in [from, to).
         */
        get: operations["getAdminAnalyticsFailingIps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/analytics/targeted-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The accounts with the most failed logins against them (admin)
         * @description A ranking (not paginated): at most `limit` (default 20) existing accounts, most failures first, with how many distinct IPs and which countries they came from, in [from, to).
         */
        get: operations["getAdminAnalyticsTargetedAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/ip-blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The IP blocklist, newest first (admin) */
        get: operations["getAdminIpBlocks"];
        put?: never;
        /**
         * Block an IPv4 or IPv6 range from logging in and registering (admin)
         * @description Login and register from an address in an active range answer 403 blocked, and the attempt is recorded (blocked: true in the login events). Host bits are cleared (10.1.2.3/8 is saved as 10.0.0.0/8); a bare address is one host. An expired block stays listed (active: false) and blocks nothing.
         */
        post: operations["postAdminIpBlocks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/ip-blocks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a block (admin) */
        delete: operations["deleteAdminIpBlocksById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/ops/series": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The operations charts' last minutes, one row per minute (admin)
         * @description Bookings per minute, payment outcomes, failed logins by country, and the worker's samples of sockets connected, queue depth and failed jobs (every CRON_SAMPLE_OPERATIONS_EVERY), oldest first. Live updates follow over Socket.IO: an admin socket's `subscribe` with `{ops: true}` receives `ops.update` (what happened since the last one) at most once a second.
         */
        get: operations["getAdminOpsSeries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ical/{token}.ics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A listing's calendar as an iCal feed (RFC 5545), for other channels to import
         * @description Every reservation that holds its nights (Reserved) and every host block (Blocked), as all-day VEVENTs (DTEND is the check-out day) with a UID stable for the reservation's life, SEQUENCE and LAST-MODIFIED; no guest data. Stays that ended over 30 days ago and blocks imported from other feeds are left out. The token is the secret: an unknown or rotated one is 404.
         */
        get: operations["getIcalFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers (checks nothing else) */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: PostgreSQL, Redis and the job store each answer within 1.5 s */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description With METRICS_TOKEN set, requires `Authorization: Bearer <METRICS_TOKEN>`. Without it, production answers 404 (metrics off) and other environments serve it openly.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "email": "ada@example.com",
         *       "password": "correct horse battery",
         *       "name": "Ada Lovelace",
         *       "role": "host"
         *     }
         */
        RegisterRequest: {
            /** Format: email */
            email: string;
            password: string;
            name: string;
            /**
             * @default guest
             * @enum {string}
             */
            role: "guest" | "host";
        };
        /**
         * @example {
         *       "email": "ada@example.com",
         *       "password": "correct horse battery"
         *     }
         */
        LoginRequest: {
            email: string;
            password: string;
        };
        ChangePasswordRequest: {
            currentPassword: string;
            newPassword: string;
        };
        ListingInput: {
            title: string;
            description: string;
            city: string;
            country: string;
            /** @description Integer minor units (12550 = 125.50). */
            pricePerNight: number;
            /** @enum {string} */
            currency: "ETB" | "USD";
            maxGuests: number;
            /**
             * @description moderate unless chosen (see the cancellation rules)
             * @enum {string}
             */
            cancellationPolicy?: "flexible" | "moderate" | "strict";
            /** @enum {string} */
            bookingMode?: "instant" | "request";
            minNights?: number;
            maxNights?: number;
            /** @example Africa/Addis_Ababa */
            timeZone?: string;
            latitude?: number | null;
            longitude?: number | null;
            pricing?: components["schemas"]["PricingRules"];
        };
        PricingRules: {
            /**
             * @description The price of Friday and Saturday nights; null: the base price.
             * @default null
             */
            weekendPrice: number | null;
            /**
             * @description Once per stay.
             * @default 0
             */
            cleaningFee: number;
            /**
             * @description Guests the nightly price covers.
             * @default 1
             */
            includedGuests: number;
            /**
             * @description Per night, for each guest above includedGuests.
             * @default 0
             */
            extraGuestFee: number;
            /**
             * @description Off the nights of a stay of 7 nights or more.
             * @default 0
             */
            weeklyDiscountPercent: number;
            /**
             * @description Off the nights of a stay of 28 nights or more (the larger of the two applies).
             * @default 0
             */
            monthlyDiscountPercent: number;
            /**
             * @description Seasonal prices. Where several cover a night the shortest one wins; two overlapping ones of the same span are refused.
             * @default []
             */
            overrides: {
                /**
                 * Format: date
                 * @description The first night it prices.
                 */
                from: string;
                /**
                 * Format: date
                 * @description The day after its last night (like a checkOut).
                 */
                to: string;
                /** @description Integer minor units (12550 = 125.50). */
                pricePerNight: number;
                /** @description Shown on the quote, e.g. "High season". */
                label?: string;
            }[];
        };
        ListingPatch: {
            title?: string;
            description?: string;
            city?: string;
            country?: string;
            /** @description Integer minor units (12550 = 125.50). */
            pricePerNight?: number;
            /** @enum {string} */
            currency?: "ETB" | "USD";
            maxGuests?: number;
            /**
             * @description moderate unless chosen (see the cancellation rules)
             * @enum {string}
             */
            cancellationPolicy?: "flexible" | "moderate" | "strict";
            /** @enum {string} */
            bookingMode?: "instant" | "request";
            minNights?: number;
            maxNights?: number;
            /** @example Africa/Addis_Ababa */
            timeZone?: string;
            latitude?: number | null;
            longitude?: number | null;
            pricing?: components["schemas"]["PricingRules"];
        };
        BlockInput: {
            /** Format: date */
            checkIn: string;
            /** Format: date */
            checkOut: string;
            /** @description For the host only (never shown to guests). */
            note?: string;
        };
        CalendarFeedInput: {
            /** @description What the host calls it, e.g. "Airbnb". */
            name: string;
            /** @description The other channel's iCal export URL (http or https). */
            url: string;
        };
        PhotoOrder: {
            /** @description Every photo of the listing, each once, in the new order. */
            photoIds: string[];
        };
        CreateBookingInput: {
            /** Format: uuid */
            listingId: string;
            /** Format: date */
            checkIn: string;
            /** Format: date */
            checkOut: string;
            guests: number;
            /** @description The quoteToken of GET /listings/{id}/quote for this very stay: the booking keeps that quote's lines and total, whatever the host changed since, until the token expires (then 409 price_changed if the price moved). */
            quoteToken?: string;
        };
        PostMessageInput: {
            body: string;
        };
        ReviewInput: {
            rating: number;
            comment: string;
        };
        MarkNotificationsReadRequest: {
            /** @description Events up to this id (included) become read. */
            upTo: number;
        };
        /**
         * @example {
         *       "cidr": "203.0.113.0/24",
         *       "reason": "credential stuffing",
         *       "expiresAt": null
         *     }
         */
        IpBlockRequest: {
            /**
             * @description An IPv4 or IPv6 CIDR range, or one address.
             * @example 203.0.113.0/24
             */
            cidr: string;
            reason: string;
            /** @default null */
            expiresAt: string | null;
        };
        Session: {
            user: components["schemas"]["User"];
            /** @description Bearer token (JWT) for Authorization. */
            token: string;
        };
        User: {
            /** Format: uuid */
            id: string;
            email: string;
            name: string;
            /** @enum {string} */
            role: "guest" | "host" | "admin";
            /** Format: date-time */
            createdAt: string;
        };
        Error: {
            error: {
                /** @example validation_failed */
                code: string;
                /** @example The request is not valid. */
                message: string;
                details: {
                    path: string;
                    message: string;
                }[];
                /** @description Only on 5xx: quote it when reporting. */
                requestId?: string;
            };
        };
        LoginEvent: {
            id: number;
            /** @description Null when the email matched no account. */
            userId: string | null;
            email: string;
            ip: string | null;
            userAgent: string | null;
            success: boolean;
            /** @description Refused by a login rate limit, password not checked (the first refusal of each limit window). */
            rateLimited: boolean;
            /** @description Refused by the admin IP blocklist (403 blocked). */
            blocked: boolean;
            /**
             * @description register: a registration the blocklist refused.
             * @enum {string}
             */
            attempt: "login" | "register";
            place: components["schemas"]["GeoPlace"];
            /** @description Browser and OS families read from the User-Agent when the attempt was recorded. */
            device: {
                browser: string | null;
                os: string | null;
            };
            /** Format: date-time */
            createdAt: string;
        };
        GeoPlace: {
            /**
             * @description Private, loopback and reserved addresses are labelled, never looked up (their fields are null).
             * @enum {string}
             */
            ipKind: "public" | "private" | "loopback" | "reserved" | "unknown";
            /** @description ISO 3166-1 alpha-2 code. */
            country: string | null;
            region: string | null;
            city: string | null;
            asn: number | null;
            asOrg: string | null;
        };
        Listing: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            hostId: string;
            title: string;
            description: string;
            city: string;
            country: string;
            /** @description Integer minor units (12550 = 125.50). */
            pricePerNight: number;
            /** @enum {string} */
            currency: "ETB" | "USD";
            maxGuests: number;
            /** @enum {string} */
            status: "active" | "archived";
            /** @enum {string} */
            cancellationPolicy: "flexible" | "moderate" | "strict";
            /**
             * @description instant: a booking holds the dates for payment; request: the host accepts first
             * @enum {string}
             */
            bookingMode: "instant" | "request";
            minNights: number;
            maxNights: number;
            /** @description IANA time zone: check-in days begin and stays end in it */
            timeZone: string;
            /** @description WGS 84 degrees; null when the host has not placed it. */
            latitude: number | null;
            longitude: number | null;
            /** @description The price rules besides pricePerNight (the base price). */
            pricing: components["schemas"]["PricingRulesOutput"];
            /** @description In the host's order; the first one is the cover search shows. */
            photos: components["schemas"]["Photo"][];
            /** @description In a search with checkIn and checkOut: the quote's total for those dates (and guests, 1 unless given), in minor units; null elsewhere. */
            stayTotal: number | null;
            /** @description Mean rating, 2 decimals; null before any review. */
            ratingAverage: number | null;
            reviewCount: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        Photo: {
            /** Format: uuid */
            id: string;
            position: number;
            /** @description Of the large size, in pixels. */
            width: number;
            height: number;
            urls: {
                /** @description 320 px wide at most, WebP. */
                small: string;
                /** @description 800 px wide at most, WebP. */
                medium: string;
                /** @description 1600 px wide at most, WebP. */
                large: string;
            };
        };
        ListingPage: {
            data: components["schemas"]["Listing"][];
            nextCursor: string | null;
        };
        Availability: {
            blocked: {
                checkIn: string;
                checkOut: string;
            }[];
        };
        ReviewPage: {
            data: components["schemas"]["Review"][];
            nextCursor: string | null;
        };
        Review: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            listingId: string;
            rating: number;
            comment: string;
            reviewerName: string;
            /** Format: date-time */
            createdAt: string;
        };
        Block: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            listingId: string;
            /** Format: date */
            checkIn: string;
            /** Format: date */
            checkOut: string;
            nights: number;
            note: string | null;
            /** Format: uuid */
            createdById: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * @description host: blocked by the host here; feed: imported from one of the listing's calendar feeds.
             * @enum {string}
             */
            source: "host" | "feed";
            /** @description The calendar feed an imported block comes from. */
            feedId: string | null;
        };
        BlockList: {
            blocks: components["schemas"]["Block"][];
        };
        CalendarSettings: {
            /** Format: uuid */
            listingId: string;
            /** @description The listing's secret iCal feed: give it to other channels. Rotating it revokes this URL. */
            exportUrl: string;
            feeds: components["schemas"]["CalendarFeed"][];
            /** @description Conflicts whose nights are not over, newest first. */
            conflicts: components["schemas"]["CalendarConflict"][];
        };
        CalendarFeed: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            listingId: string;
            name: string;
            url: string;
            /** Format: date-time */
            createdAt: string;
            /** @description When the last fetch ended, however it ended. */
            lastSyncAt: string | null;
            lastSuccessAt: string | null;
            /** @description ok: new content applied; not_modified: the feed answered 304; failed: see lastError (nothing changed). */
            lastOutcome: ("ok" | "not_modified" | "failed") | null;
            lastError: string | null;
            /** @description Event occurrences of the last good copy, from today on. */
            eventCount: number;
            /** @description Failed fetches in a row (each one waits longer before the next). */
            failures: number;
            /** Format: date-time */
            nextSyncAt: string;
        };
        CalendarConflict: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            listingId: string;
            listingTitle: string;
            /** Format: uuid */
            feedId: string;
            feedName: string;
            /** Format: uuid */
            bookingId: string;
            /**
             * Format: date
             * @description The first night both claim.
             */
            checkIn: string;
            /** Format: date */
            checkOut: string;
            /** Format: date-time */
            detectedAt: string;
        };
        CalendarExportUrl: {
            /** @description The new export URL; the old one answers 404. */
            exportUrl: string;
        };
        Quote: {
            lines: components["schemas"]["PriceLine"][];
            /** @description The sum of the lines, in minor units. */
            total: number;
            /** @enum {string} */
            currency: "ETB" | "USD";
            /** @description Send it with POST /bookings (quoteToken) to book at exactly this price until expiresAt. */
            quoteToken: string;
            /** Format: date-time */
            expiresAt: string;
        };
        PriceLine: {
            /** @enum {string} */
            kind: "nights" | "extra_guests" | "discount" | "cleaning_fee" | "service_fee" | "taxes";
            label: string;
            /** @description How many nights the line covers (nights, extra_guests). */
            nights?: number;
            /** @description Integer minor units; negative only for a discount. */
            amount: number;
        };
        Booking: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            listingId: string;
            listingTitle: string;
            /** Format: uuid */
            guestId: string;
            guestName: string;
            /** Format: uuid */
            hostId: string;
            /** Format: date */
            checkIn: string;
            /** Format: date */
            checkOut: string;
            nights: number;
            guests: number;
            /** @description The sum of priceLines, in minor units: what the guest pays */
            totalPrice: number;
            /** @description The lines the booking was priced with (its quote's, when it was made with a quote token) */
            priceLines: components["schemas"]["PriceLine"][];
            /** @enum {string} */
            currency: "ETB" | "USD";
            /** @enum {string} */
            status: "pending_approval" | "pending_payment" | "confirmed" | "completed" | "expired" | "cancelled" | "declined";
            /** @description Until when an unpaid hold keeps the dates (pending_payment), or the host's deadline to answer a request (pending_approval) */
            expiresAt: string | null;
            note: string | null;
            /** @description Who cancelled it (provider: Chapa refunded the payment on its side); null unless cancelled */
            cancelledBy: ("guest" | "host" | "admin" | "provider") | null;
            /** @description What its cancellation refunds the guest, in minor units (see GET /bookings/{id}/cancellation) */
            refundAmount: number | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        Cancellation: {
            refund: {
                /** @description Minor units */
                amount: number;
                /** @enum {string} */
                currency: "ETB" | "USD";
            };
            rule: components["schemas"]["CancellationRule"];
        };
        CancellationRule: {
            /** @enum {string} */
            policy: "flexible" | "moderate" | "strict";
            /**
             * @description Whose cancellation the rule is for
             * @enum {string}
             */
            by: "guest" | "host" | "admin";
            /** @description Share of the nightly total refunded (floored to the minor unit); null when an admin set the amount */
            refundPercent: number | null;
            /** @description The rule in words, with the deadline that applied */
            description: string;
            /** @description The deadline that decided the share; null for a host's cancellation or an admin's amount */
            threshold: {
                /** @description Days before the start of the check-in day (listing's time zone) */
                daysBefore: number;
                /**
                 * Format: date-time
                 * @description That deadline as an instant
                 */
                at: string;
                /** @description The cancellation is at or after it (the lower share applies) */
                passed: boolean;
            } | null;
            /**
             * Format: date-time
             * @description When the check-in day begins in the listing's time zone
             */
            checkInStartsAt: string;
        };
        Message: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            bookingId: string;
            /** Format: uuid */
            senderId: string;
            senderName: string;
            body: string;
            /** Format: date-time */
            createdAt: string;
        };
        Payment: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            bookingId: string;
            /** @description Our reference of the Chapa transaction */
            txRef: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed" | "refunded";
            /** @description Minor units: 12550 is 125.50 */
            amount: number;
            /** @enum {string} */
            currency: "ETB" | "USD";
            /** @description Minor units given back so far: all of amount once refunded, part of it after a partial refund */
            refundedAmount: number;
            /** @description Chapa's hosted checkout; open it to pay */
            checkoutUrl: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        NotificationsPage: {
            data: components["schemas"]["EventEnvelope"][];
            /** @description Pass as `after` for the next page; null at the end. */
            nextCursor: string | null;
            /** @description The caller's events newer than their read mark. */
            unread: number;
        };
        EventEnvelope: {
            /** @description The event's id: increasing, the same as on the socket. */
            id: number;
            /** @enum {string} */
            type: "booking.created" | "booking.updated" | "payment.updated" | "listing.availability" | "message.created" | "calendar.conflict" | "security.alert" | "login.failed" | "ops.sample";
            /** @description When it happened (ISO-8601 UTC). */
            at: string;
            /** @description The payload of that type (API.md, Real-time). */
            data: {
                [key: string]: unknown;
            };
        };
        Job: {
            id: string;
            name: string;
            /** @enum {string} */
            state: "failed" | "running" | "queued" | "scheduled" | "repeating" | "completed" | "paused";
            data: unknown;
            failCount: number;
            failReason: string | null;
            failedAt: string | null;
            lastRunAt: string | null;
            lastFinishedAt: string | null;
            /** @description For a failed job: when it is retried next; null once its attempts are used up. */
            nextRunAt: string | null;
            repeatInterval: string | null;
        };
        LoginAnalyticsRow: {
            /** @description The group: an ISO country code, a UTC day (YYYY-MM-DD) or an AS number; null: not known (private address, not in the database). */
            key: string | null;
            /** @description For asn: the AS organisation. */
            label: string | null;
            successes: number;
            /** @description Failed attempts (wrong password, unknown email, rate limited). */
            failures: number;
            /** @description Attempts refused by the IP blocklist. */
            blocked: number;
            /** @description Accounts with at least one attempt (success or failure). */
            distinctAccounts: number;
        };
        FailingIp: {
            ip: string;
            failures: number;
            /** @description Distinct emails it tried. */
            distinctAccounts: number;
            country: string | null;
            asn: number | null;
            asOrg: string | null;
            /** Format: date-time */
            lastAt: string;
            /** @description An active blocklist entry covers it now. */
            blocked: boolean;
        };
        TargetedAccount: {
            /** Format: uuid */
            userId: string;
            email: string;
            failures: number;
            distinctIps: number;
            countries: string[];
            /** Format: date-time */
            lastAt: string;
        };
        IpBlock: {
            /** Format: uuid */
            id: string;
            cidr: string;
            reason: string;
            /** @description Null: until removed. */
            expiresAt: string | null;
            /** @description False once expiresAt has passed (it then blocks nothing). */
            active: boolean;
            createdBy: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description Requests it refused. */
            hits: number;
            lastHitAt: string | null;
        };
        OpsMinute: {
            /**
             * Format: date-time
             * @description The minute's start (UTC).
             */
            minute: string;
            /** @description Bookings created (booking.created events). */
            bookings: number;
            payments: {
                succeeded: number;
                failed: number;
            };
            /** @description Failed logins by country code ("??": unknown or private address). */
            loginFailures: {
                [key: string]: number;
            };
            /** @description The minute's last sample; null when none was taken. */
            gauges: {
                sockets: number;
                queueDepth: number;
                failedJobs: number;
            } | null;
        };
        OpenApiDocument: {
            /** @example 3.1.0 */
            openapi: string;
            info: {
                [key: string]: unknown;
            };
            paths: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        Liveness: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            /** @description The checks that failed, e.g. ["redis"]. */
            failed: string[];
            /**
             * @description Each dependency: "ok" or "failed: <reason>".
             * @example {
             *       "postgres": "ok",
             *       "redis": "ok",
             *       "jobStore": "ok"
             *     }
             */
            checks: {
                [key: string]: string;
            };
        };
        PricingRulesOutput: {
            /**
             * @description The price of Friday and Saturday nights; null: the base price.
             * @default null
             */
            weekendPrice: number | null;
            /**
             * @description Once per stay.
             * @default 0
             */
            cleaningFee: number;
            /**
             * @description Guests the nightly price covers.
             * @default 1
             */
            includedGuests: number;
            /**
             * @description Per night, for each guest above includedGuests.
             * @default 0
             */
            extraGuestFee: number;
            /**
             * @description Off the nights of a stay of 7 nights or more.
             * @default 0
             */
            weeklyDiscountPercent: number;
            /**
             * @description Off the nights of a stay of 28 nights or more (the larger of the two applies).
             * @default 0
             */
            monthlyDiscountPercent: number;
            /**
             * @description Seasonal prices. Where several cover a night the shortest one wins; two overlapping ones of the same span are refused.
             * @default []
             */
            overrides: {
                /**
                 * Format: date
                 * @description The first night it prices.
                 */
                from: string;
                /**
                 * Format: date
                 * @description The day after its last night (like a checkOut).
                 */
                to: string;
                /** @description Integer minor units (12550 = 125.50). */
                pricePerNight: number;
                /** @description Shown on the quote, e.g. "High season". */
                label?: string;
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    postAuthRegister: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description The new account and a bearer token. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description validation_failed (details name each field; a common password names password) or invalid_json. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description blocked: the client IP is on the admin blocklist (the attempt is recorded). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description email_taken: an account already uses this email, in any case. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description The account and a bearer token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description validation_failed or invalid_json. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_credentials: unknown email or wrong password (the same answer for both). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description blocked: the client IP is on the admin blocklist (the attempt is recorded). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: components["schemas"]["User"];
                    };
                };
            };
            /** @description unauthenticated: no, bad or expired token, a token revoked (logout, password change) or whose account no longer exists. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAuthLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out; the token used is revoked too. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad, expired or already revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /** @description The account and a fresh bearer token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description validation_failed (details name currentPassword or newPassword) or invalid_json. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_credentials: the current password is wrong; unauthenticated: bad or revoked token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminLoginEvents: {
        parameters: {
            query?: {
                userId?: string;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of login attempts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["LoginEvent"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: bad userId, limit (1-100) or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMeLoginEvents: {
        parameters: {
            query?: {
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of login attempts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["LoginEvent"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: bad limit (1-100) or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListings: {
        parameters: {
            query?: {
                /** @description Free text over title and description (English stemming: cottages finds cottage; every word must match; "quoted phrases" and -exclusions work as in a web search). */
                q?: string;
                city?: string;
                country?: string;
                minPrice?: number;
                maxPrice?: number;
                guests?: number;
                /** @description With checkOut: only listings free from this night. */
                checkIn?: string;
                /** @description With checkIn: the day of departure (after checkIn). */
                checkOut?: string;
                lat?: string;
                lng?: string;
                radiusKm?: string;
                bbox?: string;
                /** @description newest (default), price_asc, price_desc, rating (best first; unrated last) or distance (nearest first from lat,lng, or from the centre of bbox). */
                sort?: "newest" | "price_asc" | "price_desc" | "rating" | "distance";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of listings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListingPage"];
                };
            };
            /** @description validation_failed: a bad filter, limit or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ListingInput"];
            };
        };
        responses: {
            /** @description The new listing, active and searchable at once. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        listing: components["schemas"]["Listing"];
                    };
                };
            };
            /** @description validation_failed (unknown fields are refused) or invalid_json. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: guests cannot list places. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The listing. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        listing: components["schemas"]["Listing"];
                    };
                };
            };
            /** @description not_found: unknown listing (or an id that is not a UUID). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteListingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Archived. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing (or an id that is not a UUID). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchListingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ListingPatch"];
            };
        };
        responses: {
            /** @description The updated listing. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        listing: components["schemas"]["Listing"];
                    };
                };
            };
            /** @description validation_failed: a bad field, an unknown field, or an empty body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing (or an id that is not a UUID). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsByIdAvailability: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The blocked stays, by check-in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Availability"];
                };
            };
            /** @description validation_failed: from/to not real dates, or to not after from. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsByIdReviews: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of reviews. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReviewPage"];
                };
            };
            /** @description validation_failed: bad limit or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsByIdBlocks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The blocks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BlockList"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListingsByIdBlocks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BlockInput"];
            };
        };
        responses: {
            /** @description The block. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        block: components["schemas"]["Block"];
                    };
                };
            };
            /** @description validation_failed: bad dates, checkOut not after checkIn, a past checkIn, a bad note. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description dates_unavailable: the nights overlap an active booking or another block. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteListingsByIdBlocksByBlockId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                blockId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description validation_failed: a parameter breaks its rules (details name it). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing, or no such block on it. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description block_from_feed: the block was imported from a calendar feed, which owns it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsByIdCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The calendar settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        calendar: components["schemas"]["CalendarSettings"];
                    };
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListingsByIdCalendarExportToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new export URL. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarExportUrl"];
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListingsByIdCalendarFeeds: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CalendarFeedInput"];
            };
        };
        responses: {
            /** @description The feed, due for its first fetch. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        feed: components["schemas"]["CalendarFeed"];
                    };
                };
            };
            /** @description validation_failed: a bad name, or a URL that is not http(s) or points at a refused address. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feed_exists: the listing imports that URL already; too_many_feeds: 10 feeds already. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteListingsByIdCalendarFeedsByFeedId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                feedId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description validation_failed: a parameter breaks its rules (details name it). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing, or no such feed on it. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListingsByIdCalendarFeedsByFeedIdSync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                feedId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The feed, due now. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        feed: components["schemas"]["CalendarFeed"];
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing, or no such feed on it. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getListingsByIdQuote: {
        parameters: {
            query: {
                checkIn: string;
                checkOut: string;
                /** @description A whole number from 1 to 1000. */
                guests: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The quote. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quote"];
                };
            };
            /** @description validation_failed: bad dates, a past checkIn, checkOut not after checkIn, nights or guests the listing does not take. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown or archived listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putListingsByIdPhotos: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PhotoOrder"];
            };
        };
        responses: {
            /** @description The photos in their new order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        photos: components["schemas"]["Photo"][];
                    };
                };
            };
            /** @description validation_failed: photoIds is not exactly the listing's photos, each once. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postListingsByIdPhotos: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    photo: string;
                };
            };
        };
        responses: {
            /** @description The photo, with its three sizes' URLs. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        photo: components["schemas"]["Photo"];
                    };
                };
            };
            /** @description validation_failed: no file in the field photo, or other parts; image_too_large: over the pixel cap (a decompression bomb); invalid_image: the image does not decode; invalid_multipart: a malformed body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description too_many_photos: the listing has the most photos allowed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the file is over PHOTO_MAX_BYTES. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: not multipart/form-data, or the file is not a JPEG, PNG or WebP. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteListingsByIdPhotosByPhotoId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                photoId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted; the photos after it moved up one. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description validation_failed: a parameter breaks its rules (details name it). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no or bad bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: not the listing's host nor an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown listing, or no such photo on it. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBookings: {
        parameters: {
            query?: {
                /** @description guest: bookings you made; host: bookings on your listings */
                as?: "guest" | "host";
                status?: "pending_approval" | "pending_payment" | "confirmed" | "completed" | "expired" | "cancelled" | "declined";
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Booking"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: bad filter, limit or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookings: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe (see the description) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateBookingInput"];
            };
        };
        responses: {
            /** @description The hold, status pending_payment; or the request to book, status pending_approval. */
            201: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        booking: components["schemas"]["Booking"];
                    };
                };
            };
            /** @description validation_failed (details name each field; a stay outside the listing's minNights..maxNights names checkOut with the rule), or invalid_json. */
            400: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: hosts cannot book their own listing. */
            403: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such listing, or it is archived. */
            404: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description dates_unavailable: another booking holds overlapping dates; too_many_holds: the user already has the most unpaid holds plus pending requests allowed; hold_cooldown: the user's unpaid hold on this listing ended too recently (the message says from when they may try again); price_changed: the quoteToken expired and the price moved since (the message gives the new total); idempotency_conflict: key reused with another body, or its first request is still running. */
            409: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBookingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        booking: components["schemas"]["Booking"];
                    };
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBookingsByIdCancellation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The refund and the rule applied. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Cancellation"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition: not cancellable (cancelled, expired, declined, completed, or over); stay_started: a guest, once the check-in day has begun. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Admins only: the refund in minor units, 0 to what was paid (default: the policy's) */
                    refundAmount?: number;
                };
            };
        };
        responses: {
            /** @description The booking, status cancelled, and its refund. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        refund: {
                            /** @description Minor units */
                            amount: number;
                            /** @enum {string} */
                            currency: "ETB" | "USD";
                        };
                        rule: components["schemas"]["CancellationRule"];
                        booking: components["schemas"]["Booking"];
                    };
                };
            };
            /** @description validation_failed: refundAmount not an integer from 0 to what was paid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: refundAmount sent by someone other than an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition: already cancelled, expired, declined or completed, or the stay is over (it is then completed); stay_started: a guest, once the check-in day of a confirmed stay has begun. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdAccept: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking, status pending_payment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        booking: components["schemas"]["Booking"];
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: the booking's guest cannot answer their own request. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition: the booking is not a pending request (already accepted, declined, withdrawn...), or its approval deadline has passed (it is then declined). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdDecline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking, status declined. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        booking: components["schemas"]["Booking"];
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: the booking's guest cannot answer their own request. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition: the booking is not a pending request (already accepted, declined, withdrawn...), or its approval deadline has passed (it is then declined). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getBookingsByIdMessages: {
        parameters: {
            query?: {
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Message"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: bad limit or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdMessages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostMessageInput"];
            };
        };
        responses: {
            /** @description The message. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        message: components["schemas"]["Message"];
                    };
                };
            };
            /** @description validation_failed or invalid_json. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: an admin may read the conversation but not write in it. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or not yours to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description conversation_closed: the booking ended too long ago to write in its conversation. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReviewInput"];
            };
        };
        responses: {
            /** @description The review. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        review: components["schemas"]["Review"];
                    };
                };
            };
            /** @description validation_failed: rating not an integer 1-5, comment empty or over 2000 characters. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: the host of the stay or an admin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: unknown booking, or someone else's. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition (stay not completed) or already_reviewed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBookingsByIdPayments: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe (see the description) */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description Booking id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking's pending payment, returned again. */
            200: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        payment: components["schemas"]["Payment"];
                    };
                };
            };
            /** @description A new payment, status pending, with Chapa's checkoutUrl. */
            201: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        payment: components["schemas"]["Payment"];
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such booking, or the caller is not its guest. */
            404: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_transition: the booking is not pending_payment; hold_expired: its hold has expired (book again); payment_in_progress: a concurrent start is still waiting for Chapa; idempotency_conflict: key reused with another request, or its first request is still running. */
            409: {
                headers: {
                    /** @description true when this is the stored response of an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payment_provider_error: Chapa is unreachable or refused the checkout; nothing is left pending, retry. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhooksChapa: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @example charge.success */
                    event?: string;
                    tx_ref?: string;
                    status?: string;
                    amount?: string | number;
                    currency?: string;
                    mode?: string;
                    reference?: string;
                    data?: {
                        tx_ref?: string;
                    } & {
                        [key: string]: unknown;
                    };
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Recorded (and processed). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                        /** @description confirmed, failed, refund_requested, already_settled, unknown, mismatch, … */
                        outcome: string;
                        /** @description This exact delivery was already processed */
                        duplicate: boolean;
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description invalid_signature: x-chapa-signature missing or not the body's HMAC; nothing was recorded. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payment_provider_error: recorded, but Chapa could not verify it; retry. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentsReturn: {
        parameters: {
            query: {
                /** @description Set by us in return_url; Chapa sends the browser back with it */
                tx_ref: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to the app with the payment's status. */
            302: {
                headers: {
                    /** @description Where the browser is sent. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description validation_failed: tx_ref is missing or too long. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentsCallback: {
        parameters: {
            query?: {
                trx_ref?: string;
                tx_ref?: string;
                /** @description Chapa's reference (not trusted) */
                ref_id?: string;
                /** @description Chapa's claim (not trusted: verified) */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Verified and settled (or nothing to do). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                    };
                };
            };
            /** @description validation_failed: trx_ref is missing. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: too many requests; retry after Retry-After seconds. */
            429: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payment_provider_error: Chapa could not be asked; the webhook or reconciliation settles it. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaymentsByTxRef: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The payment's txRef */
                txRef: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payment; status pending, succeeded, failed or refunded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        payment: components["schemas"]["Payment"];
                    };
                };
            };
            /** @description validation_failed: a parameter breaks its rules (details name it). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated: no, bad or expired token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such payment, or not the caller's to see. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getNotifications: {
        parameters: {
            query?: {
                /** @description Only events with a greater id (a nextCursor or lastEventId). */
                after?: number;
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the caller's events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationsPage"];
                };
            };
            /** @description validation_failed: bad after or limit (1-100). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postNotificationsRead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MarkNotificationsReadRequest"];
            };
        };
        responses: {
            /** @description The read mark and the unread count after it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The read mark now (it never moves back). */
                        readUpTo: number;
                        unread: number;
                    };
                };
            };
            /** @description validation_failed: upTo is not a non-negative integer. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminJobs: {
        parameters: {
            query?: {
                state?: "failed" | "running" | "queued" | "scheduled" | "repeating" | "completed" | "paused";
                name?: "ping" | "sendEmail" | "refundPayment" | "relayOutbox" | "expireUnpaidHolds" | "declineLapsedRequests" | "completePastStays" | "reconcilePayments" | "pruneEvents" | "pruneIdempotencyKeys" | "pruneWebhookReceipts" | "pruneLoginEvents" | "syncCalendarFeeds" | "sampleOperations";
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Job"][];
                        nextCursor: string | null;
                        total: number;
                    };
                };
            };
            /** @description validation_failed: unknown state or name, limit outside 1-100, bad cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminJobsByIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The job's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, queued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        job: components["schemas"]["Job"];
                    };
                };
            };
            /** @description invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description job_not_failed: the job is not in the failed state (running, queued, completed…). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminAnalyticsLogins: {
        parameters: {
            query?: {
                /** @description Start (inclusive); default 7 days before `to`. */
                from?: string;
                /** @description End (exclusive); default now. */
                to?: string;
                groupBy?: "country" | "day" | "asn";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The groups (days in order; countries and ASNs busiest first). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        /** Format: date-time */
                        to: string;
                        /** @enum {string} */
                        groupBy: "country" | "day" | "asn";
                        data: components["schemas"]["LoginAnalyticsRow"][];
                    };
                };
            };
            /** @description validation_failed: a bad from/to (not an instant, from not before to, over 366 days) or limit. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminAnalyticsFailingIps: {
        parameters: {
            query?: {
                /** @description Start (inclusive); default 7 days before `to`. */
                from?: string;
                /** @description End (exclusive); default now. */
                to?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ranking. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["FailingIp"][];
                    };
                };
            };
            /** @description validation_failed: a bad from/to (not an instant, from not before to, over 366 days) or limit. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminAnalyticsTargetedAccounts: {
        parameters: {
            query?: {
                /** @description Start (inclusive); default 7 days before `to`. */
                from?: string;
                /** @description End (exclusive); default now. */
                to?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ranking. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["TargetedAccount"][];
                    };
                };
            };
            /** @description validation_failed: a bad from/to (not an instant, from not before to, over 366 days) or limit. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminIpBlocks: {
        parameters: {
            query?: {
                /** @description Page size, 1–100 (default 20) */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of blocks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["IpBlock"][];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description validation_failed: bad limit (1-100) or cursor. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAdminIpBlocks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IpBlockRequest"];
            };
        };
        responses: {
            /** @description The block. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        block: components["schemas"]["IpBlock"];
                    };
                };
            };
            /** @description validation_failed: not a CIDR range, no reason, an expiry in the past. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large: the body is over 100 kB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteAdminIpBlocksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed: the range may log in and register again at once. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: no such block. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAdminOpsSeries: {
        parameters: {
            query?: {
                /** @description How far back (5-180, default 60). */
                minutes?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The minutes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        minutes: components["schemas"]["OpsMinute"][];
                    };
                };
            };
            /** @description validation_failed: minutes outside 5-180. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unauthenticated */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden: admins only. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIcalFeed: {
        parameters: {
            query?: never;
            header?: {
                /** @description An ETag from an earlier answer. */
                "if-none-match"?: string;
            };
            path: {
                /** @description The listing's export secret (64 hex). */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The feed. */
            200: {
                headers: {
                    /** @description A strong validator of this body. */
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/calendar": string;
                };
            };
            /** @description Unchanged since the ETag given in If-None-Match. */
            304: {
                headers: {
                    /** @description Where the browser is sent. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not_found: no listing has that token (or it was rotated). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenApiDocument"];
                };
            };
            /** @description internal_error: a fault of ours, logged under the requestId in the body. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every dependency answered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description At least one dependency did not answer; `failed` names them. */
            503: {
                headers: {
                    /** @description Whole seconds to wait before retrying (at least 1). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Prometheus text exposition format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description unauthenticated: METRICS_TOKEN is set and the bearer token is not it. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description not_found: production without METRICS_TOKEN (metrics are off). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
