/**
 * The pages shown when a web page cannot be: not found (404), a bad request (400) and something
 * went wrong (500), in
 * plain English with a way back. Pure rendering; they never show error details.
 */
import { html, renderPage } from './html.ts';

export function renderNotFoundPage(): string {
  return renderPage({
    title: 'Page not found',
    main: html`
      <h1>Page not found</h1>
      <p>If you typed the web address, check it is correct.</p>
      <p>If you pasted the web address, check you copied the entire address.</p>
      <p>The FHIR API is at <a href="/fhir/metadata">/fhir</a>. You can also go to the <a href="/">Kindred home page</a>.</p>`,
  });
}

export function renderServerErrorPage(): string {
  return renderPage({
    title: 'Sorry, there is a problem with the service',
    main: html`
      <h1>Sorry, there is a problem with the service</h1>
      <p>Try again later.</p>
      <p>The problem has been logged. If it keeps happening, tell the people who run this Kindred server.</p>`,
  });
}

export function renderBadRequestPage(): string {
  return renderPage({
    title: 'Sorry, that request could not be handled',
    main: html`
      <h1>Sorry, that request could not be handled</h1>
      <p>Check the web address and try again, or go to the <a href="/">Kindred home page</a>.</p>`,
  });
}
