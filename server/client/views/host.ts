import type { ListingView } from "../../../shared/domain/listings/view.js";
import { api, type Page } from "../api.js";
import type { AppContext, View } from "../context.js";
import { fill, h } from "../dom.js";
import { money } from "../format.js";
import { bookingList } from "./bookingList.js";
import { heading, loadingText, showError } from "./common.js";
import { listingSettings } from "./listingSettings.js";
import { requestsSection } from "./requests.js";

const MAX_PAGES = 5;

/** #/host — a host's listings and incoming bookings; new bookings arrive live with an alert. */
export function hostView(app: AppContext): View {
  if (app.session.user.role === "guest") {
    return {
      el: h(
        "section",
        { class: "view" },
        heading("Host dashboard"),
        h("p", {}, "This account books stays. Create a host account to list a place."),
      ),
    };
  }
  const listings = h("div", { class: "listing-grid", "data-testid": "host-listings" }, loadingText());
  const listingsError = h("div");
  const bookings = bookingList(app, {
    as: "host",
    emptyText: "No bookings yet. They appear here the moment they are made.",
  });

  const settings = listingSettings(app);
  const requests = requestsSection(app);
  void loadListings(app, listings, listingsError, settings.manageButton);

  const el = h(
    "section",
    { class: "view" },
    heading("Host dashboard"),
    requests.el,
    h(
      "section",
      { "aria-labelledby": "incoming-title" },
      h("h2", { id: "incoming-title" }, "Incoming bookings"),
      bookings.el,
    ),
    h(
      "section",
      { "aria-labelledby": "listings-title" },
      h("h2", { id: "listings-title" }, "Your listings"),
      listingsError,
      listings,
    ),
    settings.el,
  );
  return {
    el,
    dispose: () => {
      bookings.dispose?.();
      settings.dispose();
      requests.dispose();
    },
  };
}

/**
 * The host's listings. Search has no owner filter in the contract (the generated client refuses a
 * `hostId`), so we page through the search and keep only the host's own listings here.
 */
async function loadListings(
  app: AppContext,
  target: HTMLElement,
  errorSlot: HTMLElement,
  manageButton: (listing: ListingView) => HTMLElement,
): Promise<void> {
  const me = app.session.user.id;
  try {
    const own: ListingView[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page: Page<ListingView> = await api.get("/listings", { limit: 100, cursor: cursor ?? undefined });
      own.push(...page.data.filter((listing) => listing.hostId === me));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    fill(
      target,
      own.length
        ? own.map((listing) =>
            h(
              "article",
              { class: "card listing-card", "data-testid": "host-listing", "data-listing-id": listing.id },
              h("h3", {}, h("a", { href: `#/listing/${listing.id}` }, listing.title)),
              h("p", { class: "muted" }, `${listing.city}, ${listing.country} · up to ${listing.maxGuests} guests`),
              h("p", {}, h("strong", {}, money(listing.pricePerNight, listing.currency)), " / night"),
              manageButton(listing),
            ),
          )
        : h("p", { class: "muted" }, "You have no active listings."),
    );
  } catch (err) {
    fill(target);
    showError(errorSlot, err, "listings-error");
  }
}
