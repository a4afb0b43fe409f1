import type { components } from "../../../shared/api/openapi.js";

type PhotoView = components["schemas"]["Photo"];

import { fill, h } from "../dom.js";

/** A listing's photos: the chosen one large, the others as thumbnails that choose it. */
export function gallery(photos: PhotoView[], title: string): HTMLElement | null {
  if (photos.length === 0) return null;
  const main = h("img", { class: "gallery-main", alt: "", "data-testid": "gallery-main" });
  const show = (photo: PhotoView, index: number) => {
    main.src = photo.urls.large;
    main.srcset = `${photo.urls.medium} 800w, ${photo.urls.large} 1600w`;
    main.sizes = "(max-width: 900px) 100vw, 900px";
    main.alt = `${title}, photo ${index + 1} of ${photos.length}`;
    for (const [i, thumb] of thumbs.entries()) thumb.setAttribute("aria-pressed", String(i === index));
  };
  const thumbs = photos.map((photo, index) =>
    h(
      "button",
      { type: "button", class: "gallery-thumb", onclick: () => show(photo, index), "aria-label": `Photo ${index + 1}` },
      h("img", { src: photo.urls.small, alt: "", loading: "lazy", width: 96, height: 72 }),
    ),
  );
  const strip = h("div", { class: "gallery-strip" });
  fill(strip, thumbs.length > 1 ? thumbs : []);
  show(photos[0], 0);
  return h("figure", { class: "gallery", "data-testid": "gallery" }, main, strip);
}
