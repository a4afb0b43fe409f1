import type { components } from "../../../shared/api/openapi.js";
import type { ListingView } from "../../../shared/domain/listings/view.js";
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { busy, labelled, showError } from "./common.js";

type PhotoView = components["schemas"]["Photo"];

/** The host's photos of a listing: upload (JPEG, PNG or WebP), move left or right, delete. */
export function photoManager(listing: ListingView): HTMLElement {
  let photos: PhotoView[] = listing.photos;
  const base = `/listings/${encodeURIComponent(listing.id)}/photos`;
  const list = h("ol", { class: "photo-list", "data-testid": "photo-list" });
  const errorSlot = h("div");
  const file = h("input", {
    type: "file",
    name: "photo",
    accept: "image/jpeg,image/png,image/webp",
    "data-testid": "photo-file",
  });

  async function reorder(from: number, to: number) {
    const ids = photos.map((p) => p.id);
    const [moved] = ids.splice(from, 1);
    ids.splice(to, 0, moved);
    try {
      photos = (await api.put<{ photos: PhotoView[] }>(base, { photoIds: ids })).photos;
      render();
    } catch (err) {
      showError(errorSlot, err, "photo-error");
    }
  }
  async function remove(photo: PhotoView) {
    try {
      await api.delete(`${base}/${encodeURIComponent(photo.id)}`);
      photos = photos.filter((p) => p.id !== photo.id);
      render();
    } catch (err) {
      showError(errorSlot, err, "photo-error");
    }
  }
  function render() {
    fill(
      list,
      photos.map((photo, i) =>
        h(
          "li",
          { "data-testid": "photo-item", "data-photo-id": photo.id },
          h("img", { src: photo.urls.small, alt: `Photo ${i + 1}`, width: 120, height: 90 }),
          h(
            "button",
            { type: "button", disabled: i === 0, onclick: () => void reorder(i, i - 1), "aria-label": "Move left" },
            "←",
          ),
          h(
            "button",
            {
              type: "button",
              disabled: i === photos.length - 1,
              onclick: () => void reorder(i, i + 1),
              "aria-label": "Move right",
            },
            "→",
          ),
          h("button", { type: "button", onclick: () => void remove(photo), "data-testid": "photo-delete" }, "Delete"),
        ),
      ),
    );
  }
  render();

  const form = h(
    "form",
    { class: "stack", "aria-label": "Photos" },
    h("h3", {}, "Photos"),
    h("p", { class: "muted small" }, "The first photo is the one search shows."),
    list,
    labelled("Add a photo", file, "JPEG, PNG or WebP"),
    errorSlot,
    h("button", { type: "submit", "data-testid": "photo-upload" }, "Upload"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorSlot, null);
    const chosen = file.files?.[0];
    if (!chosen) return;
    const body = new FormData();
    body.append("photo", chosen);
    try {
      const { photo } = await busy(form, () => api.upload<{ photo: PhotoView }>(base, body));
      photos = [...photos, photo];
      file.value = "";
      render();
    } catch (err) {
      showError(errorSlot, err, "photo-error");
    }
  });
  return form;
}
