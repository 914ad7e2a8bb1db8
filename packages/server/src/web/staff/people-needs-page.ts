/**
 * The page to change a person's access needs, as HTML: the shared access needs fields (voice
 * "they"), the version read (for If-Match), and after a refused save the errors and what was
 * typed; when someone else saved first, what is recorded now. Pure rendering.
 */
import { accessNeedsSummary, type AccessNeeds } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import { html } from '../../pages/html.ts';
import { backLink, button, form, warningCallout, type FieldErrors } from '../components.ts';
import { renderAccessNeedsFields, type CarerChoice } from '../shared/access-needs-form.ts';
import type { FormFields } from '../web-context.ts';
import { personName, type PageContent } from './people-pages.ts';

export interface NeedsFormState {
  patient: StoredResource;
  needs: AccessNeeds;
  carers: readonly CarerChoice[];
  errors: FieldErrors;
  /** what was typed into a refused form */
  typed?: FormFields;
  /** someone else saved while this person was editing: the form again, with their changes summarised */
  changedMeanwhile?: boolean;
  csrf: string;
}

export function renderNeedsPage(state: NeedsFormState): PageContent {
  const name = personName(state.patient);
  const id = state.patient.id;
  const meanwhile =
    state.changedMeanwhile === true
      ? html`<div id="changed-meanwhile" tabindex="-1">${warningCallout(
          'Someone else changed their details while you were editing',
          html`<p>Nothing you typed was saved. What is recorded now:</p><ul>${accessNeedsSummary(state.needs).map((line) => html`<li>${line}</li>`)}</ul><p>Check your changes below still make sense, then save again.</p>`,
        )}</div>`
      : html``;
  const main = html`${backLink(`/app/staff/people/${id}`, `Back to ${name}`)}
<h1>Access needs of ${name}</h1>
<p>Record these once: everyone who contacts ${name} will see them, and messages and bookings follow them.</p>
${meanwhile}
${form(
  `/app/staff/people/${id}/needs`,
  state.csrf,
  html`<input type="hidden" name="version" value="${state.patient.meta.versionId}">
${renderAccessNeedsFields(state.needs, state.errors, { voice: 'staff', carers: state.carers, ...(state.typed !== undefined ? { typed: state.typed } : {}) })}
${button('Save access needs')}`,
)}`;
  return { title: `Access needs of ${name}`, main, errors: state.errors };
}
