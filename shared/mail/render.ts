import { escapeHtml } from "./format.js";

/**
 * What a template says, independent of the format: one description renders to both the plain-text
 * and the HTML body, so the two never drift apart and every value is escaped in one place.
 */
export type Block =
  | { paragraph: string }
  | { details: [label: string, value: string][] }
  | { action: { label: string; url: string } };

export interface EmailContent {
  subject: string;
  heading: string;
  blocks: Block[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const FOOTER = "You receive this email because you have an account on Nexus.";

function textBlock(block: Block): string {
  if ("paragraph" in block) return block.paragraph;
  if ("details" in block) return block.details.map(([label, value]) => `${label}: ${value}`).join("\n");
  return `${block.action.label}: ${block.action.url}`;
}

function htmlBlock(block: Block): string {
  if ("paragraph" in block) return `<p style="margin:0 0 16px">${escapeHtml(block.paragraph)}</p>`;
  if ("details" in block) {
    const rows = block.details
      .map(
        ([label, value]) =>
          `<tr><td style="padding:4px 16px 4px 0;color:#555">${escapeHtml(label)}</td><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
      )
      .join("");
    return `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${rows}</table>`;
  }
  const url = escapeHtml(block.action.url);
  return (
    `<p style="margin:0 0 16px"><a href="${url}" style="display:inline-block;padding:10px 18px;background:#e0565b;` +
    `color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(block.action.label)}</a></p>` +
    `<p style="margin:0 0 16px;font-size:13px;color:#555">Or open this link: ${url}</p>`
  );
}

/** Renders one email in plain text and HTML (escaped). */
export function renderEmail(content: EmailContent): RenderedEmail {
  const text = [content.heading, ...content.blocks.map(textBlock), "--", FOOTER].join("\n\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222;max-width:560px;margin:0 auto;padding:24px">` +
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(content.heading)}</h1>` +
    content.blocks.map(htmlBlock).join("") +
    `<p style="margin:24px 0 0;font-size:12px;color:#888">${escapeHtml(FOOTER)}</p></body></html>`;
  return { subject: content.subject, text: `${text}\n`, html };
}
