/**
 * The frame of every web app page: the three front doors (the person and their carer, staff,
 * volunteers) share one look and differ only in their navigation. The signed-in person's name
 * and a sign-out button sit in the header; the current page is marked for screen readers
 * (aria-current). Pure rendering.
 */
import { html, renderPage, type SafeHtml } from '../pages/html.ts';
import { errorSummary, type FieldErrors } from './components.ts';

export const FrontDoor = { person: 'person', staff: 'staff', volunteer: 'volunteer' } as const;
export type FrontDoor = (typeof FrontDoor)[keyof typeof FrontDoor];

interface NavItem {
  href: string;
  text: string;
}

const NAVIGATION: Readonly<Record<FrontDoor, readonly NavItem[]>> = {
  person: [
    { href: '/app/person', text: 'Home' },
    { href: '/app/person/requests/new', text: 'Ask for help' },
    { href: '/app/person/appointments', text: 'Appointments' },
    { href: '/app/person/readings', text: 'Readings' },
    { href: '/app/person/messages', text: 'Messages' },
    { href: '/app/person/needs', text: 'Your needs' },
  ],
  staff: [
    { href: '/app/staff', text: 'Inbox' },
    { href: '/app/staff/requests/new', text: 'Request by phone' },
    { href: '/app/staff/appointments', text: 'Appointments' },
    { href: '/app/staff/video', text: 'Video clinics' },
    { href: '/app/staff/ward', text: 'Virtual ward' },
    { href: '/app/staff/people', text: 'People' },
    { href: '/app/staff/equity', text: 'Who uses which route' },
    { href: '/app/staff/messages', text: 'Messages' },
    { href: '/app/staff/insight', text: 'Measures' },
    { href: '/app/staff/improvement', text: 'Innovation log' },
  ],
  volunteer: [
    { href: '/app/volunteer', text: 'Home' },
    { href: '/app/volunteer/requests/new', text: 'Help someone ask' },
  ],
};

export interface WebPageFrame {
  title: string;
  main: SafeHtml;
  errors?: FieldErrors;
  /** the page's path, to mark the current navigation item */
  path: string;
}

export interface WebViewer {
  frontDoor: FrontDoor;
  displayName: string;
  csrf: string;
}

function isCurrent(item: NavItem, path: string, items: readonly NavItem[]): boolean {
  if (path === item.href) return true;
  // the longest matching prefix wins (Home is only its own page)
  const home = items[0]?.href;
  if (item.href === home) return false;
  return path.startsWith(`${item.href}/`) || (path.startsWith(item.href) && path.length === item.href.length);
}

export function navigationOf(viewer: WebViewer, path: string): SafeHtml {
  const items = NAVIGATION[viewer.frontDoor];
  return html`<nav class="nhsuk-header__navigation" aria-label="Menu">
    <div class="nhsuk-width-container">
      <ul class="nhsuk-header__navigation-list app-navigation-list">
        ${items.map(
          (item) => html`<li class="nhsuk-header__navigation-item"><a class="nhsuk-header__navigation-link" href="${item.href}"${isCurrent(item, path, items) ? html` aria-current="page"` : html``}>${item.text}</a></li>`,
        )}
        <li class="nhsuk-header__navigation-item app-navigation-account">
          <span class="app-navigation-name">${viewer.displayName}</span>
          <form action="/app/sign-out" method="post" class="app-inline-form"><input type="hidden" name="csrf" value="${viewer.csrf}"><button type="submit" class="app-link-button">Sign out</button></form>
        </li>
      </ul>
    </div>
  </nav>`;
}

/** On every staff page: a way to tell the team that owns it about a problem or an idea (the innovation log), prefilled with the page. */
export function reportLink(path: string): SafeHtml {
  return html`<p class="nhsuk-body-s app-report-link"><a href="/app/staff/improvement/report?from=${encodeURIComponent(path)}">Report a problem or an idea<span class="nhsuk-u-visually-hidden"> about this page</span></a></p>`;
}

export function renderWebPage(viewer: WebViewer, frame: WebPageFrame): string {
  const hasErrors = frame.errors !== undefined && frame.errors.length > 0;
  return renderPage({
    title: frame.title,
    hasErrors,
    homeHref: NAVIGATION[viewer.frontDoor][0]?.href ?? '/app',
    navigation: navigationOf(viewer, frame.path),
    main: html`${errorSummary(frame.errors)}${frame.main}${viewer.frontDoor === FrontDoor.staff ? reportLink(frame.path) : html``}`,
  });
}

/** A page for someone not signed in (the sign-in failed): the plain frame. */
export function renderPublicWebPage(title: string, main: SafeHtml): string {
  return renderPage({ title, main });
}
