/**
 * The home page (`GET /`): what is running (Kindred's version, FHIR R4, the database), how many
 * resources of each type the record holds, and how to get a token and make a first request. The
 * page is public, so it shows counts only, never data. Pure rendering: the route gathers the model.
 */
import { html, renderPage, type SafeHtml } from './html.ts';

export interface HomePageModel {
  version: string;
  fhirVersion: string;
  /** e.g. "SQLite at data/kindred.db": never a password */
  database: string;
  /** e.g. "http://localhost:8080/fhir" */
  fhirBaseUrl: string;
  /** current resources by type */
  counts: Readonly<Record<string, number>>;
  /** the command that prints a token for this server's store, e.g. "npx kindred token --data ./area" */
  tokenCommand: string;
  /** the web app's front door, when sign-in is on */
  webApp?: boolean;
  /** a demo server's accounts section (kindred serve --demo) */
  demoAccounts?: SafeHtml;
}

const numberFormat = new Intl.NumberFormat('en-GB');

function countsSection(counts: Readonly<Record<string, number>>): SafeHtml {
  const rows = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) {
    return html`<p>The record is empty. Load FHIR data with <code>npx kindred import PATH</code>, or create resources through the API.</p>`;
  }
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  const body = rows.map(
    ([type, n]) => html`
          <tr class="nhsuk-table__row">
            <th class="nhsuk-table__header" scope="row">${type}</th>
            <td class="nhsuk-table__cell nhsuk-table__cell--numeric">${numberFormat.format(n)}</td>
          </tr>`,
  );
  return html`<p>The record holds ${numberFormat.format(total)} ${total === 1 ? 'resource' : 'resources'} of ${rows.length} ${rows.length === 1 ? 'type' : 'types'}.</p>
      <table class="nhsuk-table app-counts">
        <caption class="nhsuk-table__caption">Resources in the record, by type</caption>
        <thead class="nhsuk-table__head">
          <tr class="nhsuk-table__row">
            <th class="nhsuk-table__header" scope="col">Resource type</th>
            <th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Number</th>
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">${body}
        </tbody>
      </table>`;
}

export function renderHomePage(model: HomePageModel): string {
  const patientUrl = `${model.fhirBaseUrl}/Patient`;
  const metadataUrl = `${model.fhirBaseUrl}/metadata`;
  const main = html`
      <h1>Kindred is running</h1>
      <p class="nhsuk-lede-text">This is a shared care record: a FHIR server that health and care services use to read and write one record together.</p>
      ${model.webApp === true ? html`<p><a class="nhsuk-button" href="/app" draggable="false">Sign in to Kindred</a></p><p>People, carers, staff and volunteers sign in to the web app. Apps use the FHIR API below.</p>` : html``}
      ${model.demoAccounts ?? html``}

      <dl class="nhsuk-summary-list">
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Version</dt>
          <dd class="nhsuk-summary-list__value">Kindred ${model.version}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Standard</dt>
          <dd class="nhsuk-summary-list__value">FHIR R4 (${model.fhirVersion}), JSON</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Database</dt>
          <dd class="nhsuk-summary-list__value">${model.database}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">FHIR API address</dt>
          <dd class="nhsuk-summary-list__value"><code class="app-code-inline">${model.fhirBaseUrl}</code></dd>
        </div>
      </dl>

      <h2>What the record holds</h2>
      ${countsSection(model.counts)}

      <h2>Get a token and make a request</h2>
      <p>Every request to the FHIR API needs a token. To get one for the administrator, run this in the folder where Kindred runs:</p>
      <div class="nhsuk-code app-code-wrap"><pre class="nhsuk-code__container"><code class="nhsuk-code__content">${model.tokenCommand}</code></pre></div>
      <p>It prints one line: a token that works for 1 hour. Send it in the <code>Authorization</code> header, for example to list patients:</p>
      <div class="nhsuk-code app-code-wrap"><pre class="nhsuk-code__container"><code class="nhsuk-code__content">TOKEN=$(${model.tokenCommand})
curl -H "Authorization: Bearer $TOKEN" ${patientUrl}</code></pre></div>

      <h2>Find out what the API can do</h2>
      <p>The <a href="${metadataUrl}">capability statement (FHIR JSON)</a> lists every resource type, interaction, search parameter and operation this server supports. You do not need a token to read it.</p>
      <p>To check that the server and its database are working, use the <a href="/healthz">health check (JSON)</a>.</p>`;
  return renderPage({ title: 'Shared care record', main });
}
