/**
 * The frame of every server-rendered page, in the NHS design system's markup (skip link, header,
 * main, footer), and escaping of text put into HTML. Pages render strings; nothing here reads
 * the record. No JavaScript: every page works without it.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** An HTML fragment built with `html`…``: interpolated values are escaped unless they are themselves fragments. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    out += parts.map((part) => (part instanceof SafeHtml ? part.value : escapeHtml(String(part ?? '')))).join('');
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}

export interface PageFrame {
  /** the page's own title, before "– Kindred" */
  title: string;
  main: SafeHtml;
  /** the page shows form errors: its title starts "Error: " (NHS.UK error summary guidance) */
  hasErrors?: boolean;
  /** the signed-in person's navigation, under the header */
  navigation?: SafeHtml;
  /** the service name's link (a front door's home); default "/" */
  homeHref?: string;
}

/** A whole page: NHS.UK frontend styles, a skip link, the header, the main content, the footer. */
export function renderPage(frame: PageFrame): string {
  return html`<!DOCTYPE html>
<html lang="en" class="app-page">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${frame.hasErrors === true ? 'Error: ' : ''}${frame.title} – Kindred</title>
  <link rel="stylesheet" href="/assets/nhsuk-frontend.min.css">
  <link rel="stylesheet" href="/assets/app.css">
</head>
<body>
  <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
  <header class="nhsuk-header" role="banner">
    <div class="nhsuk-header__container nhsuk-width-container">
      <div class="nhsuk-header__service">
        <a class="nhsuk-header__service-name" href="${frame.homeHref ?? '/'}">Kindred</a>
      </div>
    </div>
${frame.navigation ?? ''}
  </header>
  <div class="nhsuk-width-container">
    <main class="nhsuk-main-wrapper" id="maincontent" role="main">
${frame.main}
    </main>
  </div>
  <footer class="nhsuk-footer" role="contentinfo">
    <div class="nhsuk-width-container">
      <p class="nhsuk-body-s">Kindred is open-source software for health and care on one shared record, published under the Apache License 2.0.</p>
    </div>
  </footer>
</body>
</html>
`.value;
}
