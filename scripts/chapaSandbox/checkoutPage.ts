import type { SandboxTransaction } from "./transactions.js";

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f6f8; margin: 0; padding: 3rem 1rem; color: #1d2733; }
  main { max-width: 26rem; margin: 0 auto; background: #fff; border-radius: 12px; padding: 2rem;
         box-shadow: 0 2px 12px rgba(0, 0, 0, 0.08); }
  .badge { display: inline-block; font-size: 0.75rem; background: #fff3cd; color: #7a5b00; padding: 0.2rem 0.6rem;
           border-radius: 999px; }
  .amount { font-size: 2.25rem; font-weight: 700; margin: 1rem 0 0.25rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.35rem 1rem; font-size: 0.9rem; }
  dt { color: #5b6774; }
  dd { margin: 0; word-break: break-all; }
  form { display: flex; gap: 0.75rem; margin-top: 1.5rem; }
  button { flex: 1; font-size: 1rem; padding: 0.75rem; border-radius: 8px; border: 0; cursor: pointer; }
  button[value="success"] { background: #7dc400; color: #fff; }
  button[value="failed"] { background: #e5e8eb; color: #1d2733; }
`;

function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<span class="badge">Chapa sandbox · test mode</span>
${content}
</main>
</body>
</html>`;
}

/**
 * The hosted checkout. Self-contained (no external assets) so it renders offline. The form posts to the
 * relative `<id>/complete`, which resolves under whatever public base the sandbox is reached through.
 */
export function renderCheckoutPage(tx: SandboxTransaction): string {
  const merchant = tx.customization.title ?? "Nexus";
  const details = `
<h1>${escapeHtml(merchant)}</h1>
${tx.customization.description ? `<p>${escapeHtml(tx.customization.description)}</p>` : ""}
<p class="amount" data-testid="amount">${escapeHtml(tx.amount)} ${escapeHtml(tx.currency)}</p>
<dl>
  <dt>Paying as</dt><dd>${escapeHtml(`${tx.firstName} ${tx.lastName}`)} (${escapeHtml(tx.email)})</dd>
  <dt>Reference</dt><dd>${escapeHtml(tx.txRef)}</dd>
</dl>`;
  const action =
    tx.status === "pending"
      ? `<form method="post" action="${escapeHtml(encodeURIComponent(tx.checkoutId))}/complete">
  <button type="submit" name="outcome" value="success">Pay</button>
  <button type="submit" name="outcome" value="failed">Fail</button>
</form>`
      : `<p role="status">This payment is already ${escapeHtml(tx.status)}.</p>`;
  return layout(`Pay ${merchant}`, details + action);
}

/** Shown after the form is posted when the merchant gave no return_url to redirect to. */
export function renderDonePage(tx: SandboxTransaction): string {
  return layout("Payment complete", `<h1>Payment ${escapeHtml(tx.status)}</h1><p>${escapeHtml(tx.txRef)}</p>`);
}

export function renderNotFoundPage(): string {
  return layout("Checkout not found", "<h1>Checkout not found</h1><p>This checkout link is invalid.</p>");
}
