import type { ListingView } from "../../../shared/domain/listings/view.js";
import { api, type Page, withQuery } from "../api.js";
import type { AppContext, Route, View } from "../context.js";
import { field, fill, h } from "../dom.js";
import { isoDay, money } from "../format.js";
import { heading, labelled, showError } from "./common.js";

const FILTERS = ["q", "city", "checkIn", "checkOut", "guests", "sort", "lat", "lng", "radiusKm"] as const;

const SORTS: [string, string][] = [
  ["newest", "Newest"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
  ["rating", "Best rated"],
];

/**
 * #/search?q=&city=&checkIn=&checkOut=&guests=&sort= (and lat, lng, radiusKm for a place search) —
 * the filters live in the URL, so reload and back work.
 */
export function searchView(app: AppContext, route: Route): View {
  const params = route.params;
  const summary = h("p", { class: "muted", role: "status", "data-testid": "search-summary" });
  const results = h("div", { class: "results", "data-testid": "search-results" });
  const errorSlot = h("div");

  const form = h(
    "form",
    { class: "search-form", role: "search", "aria-label": "Search stays" },
    labelled(
      "Search",
      h("input", {
        name: "q",
        type: "search",
        placeholder: "lake view, cottage…",
        maxlength: 200,
        value: params.get("q") ?? "",
        "data-testid": "search-text",
      }),
    ),
    labelled(
      "City",
      h("input", { name: "city", type: "text", value: params.get("city") ?? "", "data-testid": "search-city" }),
    ),
    labelled(
      "Check-in",
      h("input", {
        name: "checkIn",
        type: "date",
        min: isoDay(0),
        value: params.get("checkIn") ?? "",
        "data-testid": "search-check-in",
      }),
    ),
    labelled(
      "Check-out",
      h("input", {
        name: "checkOut",
        type: "date",
        min: isoDay(1),
        value: params.get("checkOut") ?? "",
        "data-testid": "search-check-out",
      }),
    ),
    labelled(
      "Guests",
      h("input", {
        name: "guests",
        type: "number",
        min: 1,
        max: 50,
        value: params.get("guests") ?? "1",
        "data-testid": "search-guests",
      }),
    ),
    labelled("Sort by", sortSelect(params)),
    hiddenPlace(params),
    h("button", { type: "submit", class: "primary", "data-testid": "search-submit" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query: Record<string, string> = {};
    for (const name of FILTERS) query[name] = field(form, name);
    if (query.sort === "newest") delete query.sort;
    if (Boolean(query.checkIn) !== Boolean(query.checkOut)) {
      fill(errorSlot, h("p", { class: "error-box", role: "alert" }, "Pick both a check-in and a check-out date."));
      return;
    }
    // Same URL as now: navigating would not re-render, so search again directly.
    const target = withQuery("#/search", query);
    if (location.hash === target) void load();
    else app.navigate(target);
  });

  async function load() {
    showError(errorSlot, null);
    summary.textContent = "Searching…";
    results.setAttribute("aria-busy", "true");
    try {
      const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? undefined]));
      const page = await api.get<Page<ListingView>>("/listings", { ...query, limit: 50 });
      summary.textContent = resultCount(page.data.length, Boolean(page.nextCursor));
      fill(
        results,
        page.data.map((listing) => listingCard(listing, params)),
      );
    } catch (err) {
      summary.textContent = "";
      fill(results);
      showError(errorSlot, err, "search-error");
    } finally {
      results.removeAttribute("aria-busy");
    }
  }
  void load();

  const el = h("section", { class: "view" }, heading("Find a stay"), form, errorSlot, summary, results);
  return { el };
}

/** The order of the results; "Nearest" only when the search has a place (lat, lng in the URL). */
function sortSelect(params: URLSearchParams): HTMLElement {
  const chosen = params.get("sort") ?? "newest";
  const sorts =
    params.get("lat") && params.get("lng") ? [...SORTS, ["distance", "Nearest"] as [string, string]] : SORTS;
  return h(
    "select",
    { name: "sort", "data-testid": "search-sort" },
    ...sorts.map(([value, label]) => h("option", { value, selected: value === chosen }, label)),
  );
}

/** A place search (a link from a map or a shared URL) keeps its centre and radius across new searches. */
function hiddenPlace(params: URLSearchParams): HTMLElement {
  return h(
    "span",
    { hidden: "" },
    ...(["lat", "lng", "radiusKm"] as const).map((name) =>
      h("input", { type: "hidden", name, value: params.get(name) ?? "" }),
    ),
  );
}

function resultCount(n: number, more: boolean): string {
  if (n === 0) return "No places match. Try other dates or another city.";
  return `${n}${more ? "+" : ""} place${n === 1 ? "" : "s"} found.`;
}

function listingCard(listing: ListingView, params: URLSearchParams): HTMLElement {
  const stay: Record<string, string> = {};
  for (const name of ["checkIn", "checkOut", "guests"]) {
    const value = params.get(name);
    if (value) stay[name] = value;
  }
  return h(
    "article",
    { class: "card listing-card", "data-testid": "listing-card", "data-listing-id": listing.id },
    listing.photos[0]
      ? h("img", {
          class: "listing-cover",
          src: listing.photos[0].urls.medium,
          alt: "",
          loading: "lazy",
          width: 400,
          height: 300,
        })
      : null,
    h("h2", {}, h("a", { href: withQuery(`#/listing/${listing.id}`, stay) }, listing.title)),
    h("p", { class: "muted" }, `${listing.city}, ${listing.country} · up to ${listing.maxGuests} guests`),
    h(
      "p",
      { class: "price" },
      h("strong", {}, money(listing.pricePerNight, listing.currency)),
      " / night",
      listing.stayTotal !== null
        ? h(
            "span",
            { class: "stay-total", "data-testid": "stay-total" },
            ` · ${money(listing.stayTotal, listing.currency)} total`,
          )
        : null,
      listing.reviewCount > 0 && listing.ratingAverage !== null
        ? h("span", { class: "rating" }, ` · ★ ${listing.ratingAverage.toFixed(1)} (${listing.reviewCount})`)
        : null,
    ),
  );
}
