import type { components } from "../../../shared/api/openapi.js";
import type { ListingView } from "../../../shared/domain/listings/view.js";
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { busy, labelled, showError } from "./common.js";

type PricingRules = components["schemas"]["PricingRules"];
type PriceOverride = PricingRules["overrides"][number];

/** Major units as typed ("125.50") to minor units (12550); "" stays null. */
const toMinor = (text: string): number | null => (text.trim() === "" ? null : Math.round(Number(text) * 100));
const toMajor = (minor: number | null) => (minor === null ? "" : (minor / 100).toFixed(2));

/**
 * The host's price rules: base and weekend price, fees, guests included, discounts and seasonal
 * prices. Saved in one PATCH (pricePerNight and the whole pricing document); the server's rules
 * (e.g. two seasons of the same length overlapping) come back as field errors.
 */
export function priceRulesForm(listing: ListingView, onSaved: (listing: ListingView) => void): HTMLElement {
  const money = (name: string, value: number | null, required = false) =>
    h("input", {
      name,
      type: "number",
      min: 0,
      step: "0.01",
      required,
      value: toMajor(value),
      "data-testid": `price-${name}`,
    });
  const whole = (name: string, value: number, min: number, max: number) =>
    h("input", { name, type: "number", min, max, step: 1, required: true, value, "data-testid": `price-${name}` });
  const rules = listing.pricing;
  const base = money("pricePerNight", listing.pricePerNight, true);
  const weekend = money("weekendPrice", rules.weekendPrice);
  const cleaning = money("cleaningFee", rules.cleaningFee);
  const included = whole("includedGuests", rules.includedGuests, 1, 50);
  const extra = money("extraGuestFee", rules.extraGuestFee);
  const weekly = whole("weeklyDiscountPercent", rules.weeklyDiscountPercent, 0, 90);
  const monthly = whole("monthlyDiscountPercent", rules.monthlyDiscountPercent, 0, 90);
  const seasons = h("div", { class: "stack", "data-testid": "price-overrides" });
  const seasonRow = (o?: PriceOverride) => {
    const row = h(
      "div",
      { class: "row season" },
      labelled("From", h("input", { type: "date", name: "from", required: true, value: o?.from ?? "" })),
      labelled("Until", h("input", { type: "date", name: "to", required: true, value: o?.to ?? "" })),
      labelled("Per night", money("overridePrice", o?.pricePerNight ?? null, true)),
      labelled("Label", h("input", { name: "label", maxlength: 60, value: o?.label ?? "" })),
      h("button", { type: "button", onclick: () => row.remove() }, "Remove"),
    );
    seasons.append(row);
  };
  for (const o of rules.overrides) seasonRow(o);

  const errorSlot = h("div");
  const status = h("p", { class: "muted small", role: "status", "data-testid": "price-status" });
  const form = h(
    "form",
    { class: "stack", "aria-label": "Prices" },
    h("h3", {}, "Prices"),
    h(
      "div",
      { class: "row" },
      labelled("Per night", base),
      labelled("Weekend night", weekend, "Fri and Sat; empty: the same"),
    ),
    h(
      "div",
      { class: "row" },
      labelled("Cleaning fee", cleaning, "Once per stay"),
      labelled("Guests included", included),
    ),
    labelled("Per extra guest, per night", extra),
    h(
      "div",
      { class: "row" },
      labelled("Weekly discount %", weekly, "7+ nights"),
      labelled("Monthly discount %", monthly, "28+ nights"),
    ),
    h("h4", {}, "Seasonal prices"),
    seasons,
    h("button", { type: "button", "data-testid": "price-add-season", onclick: () => seasonRow() }, "Add a season"),
    errorSlot,
    status,
    h("button", { type: "submit", class: "primary", "data-testid": "price-save" }, "Save prices"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorSlot, null);
    const value = (row: Element, name: string) => (row.querySelector(`[name=${name}]`) as HTMLInputElement).value;
    const pricing: PricingRules = {
      weekendPrice: toMinor(weekend.value),
      cleaningFee: toMinor(cleaning.value) ?? 0,
      includedGuests: Number(included.value),
      extraGuestFee: toMinor(extra.value) ?? 0,
      weeklyDiscountPercent: Number(weekly.value),
      monthlyDiscountPercent: Number(monthly.value),
      overrides: [...seasons.children].map((row) => ({
        from: value(row, "from"),
        to: value(row, "to"),
        pricePerNight: toMinor(value(row, "overridePrice")) ?? 0,
        ...(value(row, "label").trim() ? { label: value(row, "label").trim() } : {}),
      })),
    };
    try {
      const { listing: updated } = await busy(form, () =>
        api.patch<{ listing: ListingView }>(`/listings/${encodeURIComponent(listing.id)}`, {
          pricePerNight: toMinor(base.value),
          pricing,
        }),
      );
      onSaved(updated);
      fill(status, "Prices saved.");
    } catch (err) {
      fill(status);
      showError(errorSlot, err, "price-error");
    }
  });
  return form;
}
