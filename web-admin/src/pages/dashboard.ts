// "Tableau de bord": live overview of the server.
import { h } from '../dom.ts';
import type { LiveState } from '../live.ts';
import type { Page } from '../router.ts';
import type { SystemStatus } from '../types.ts';
import { card, loadingText } from '../widgets/card.ts';
import { dcCard, dcStateLabel } from '../widgets/dc-card.ts';
import { diskCard } from '../widgets/disk-card.ts';
import { eventsCard } from '../widgets/events-card.ts';
import { readinessCard } from '../widgets/readiness-card.ts';
import { versionsCard } from '../widgets/versions-card.ts';
import { inventoryDashboardCard } from './inventory/dashboard-card.ts';

export const dashboardPage: Page = {
  path: '/tableau-de-bord',
  title: 'Tableau de bord',
  roles: ['administrator', 'teacher'],
  icon: 'dashboard',
  render(container, ctx) {
    const announcer = h('p', { class: 'sr-only', 'aria-live': 'polite' });
    const mainColumn = h('div', { class: 'dashboard-column dashboard-main' });
    const sideStatus = h('div', { class: 'dashboard-column' });
    const eventsSlot = h('div', { class: 'dashboard-column' });
    const isAdmin = ctx.user.role === 'administrator';
    container.append(
      h(
        'div',
        { class: 'dashboard', 'data-testid': 'dashboard' },
        announcer,
        mainColumn,
        h('div', { class: 'dashboard-column dashboard-side' }, sideStatus, isAdmin ? inventoryDashboardCard(ctx.signal) : null, eventsSlot),
      ),
    );

    let shownStatus: SystemStatus | null | undefined;
    let shownError: string | null | undefined;
    let shownEvents: LiveState['events'] | undefined;
    let shownDcLabel: string | null = null;

    const update = (state: LiveState) => {
      if (state.status !== shownStatus || state.loadError !== shownError) {
        shownStatus = state.status;
        shownError = state.loadError;
        const { main, side } = statusCards(state, () => void ctx.live.reload());
        mainColumn.replaceChildren(...main);
        sideStatus.replaceChildren(...side);
        const label = state.status ? dcStateLabel(state.status.dc.state) : null;
        // Announce DC state changes (not the first display) to screen readers.
        if (label && shownDcLabel && label !== shownDcLabel) {
          announcer.textContent = `Contrôleur de domaine : ${label}`;
        }
        shownDcLabel = label ?? shownDcLabel;
      }
      if (state.events !== shownEvents) {
        shownEvents = state.events;
        eventsSlot.replaceChildren(eventsCard(state.events, isAdmin));
      }
    };
    ctx.live.subscribe(update, ctx.signal);
    update(ctx.live.get());
  },
};

function statusCards(state: LiveState, retry: () => void): { main: HTMLElement[]; side: HTMLElement[] } {
  const { status } = state;
  if (status) {
    return {
      main: [dcCard(status), diskCard(status.disks ?? []), versionsCard(status)],
      side: [readinessCard(status)],
    };
  }
  const body = state.loadError
    ? [
        h('p', { class: 'alert alert-danger', role: 'alert' }, state.loadError),
        h('p', null, h('button', { type: 'button', class: 'button', onClick: retry }, 'Réessayer')),
      ]
    : [loadingText('Chargement de l’état du serveur…')];
  return { main: [card({ title: 'État du serveur', icon: 'health' }, ...body)], side: [] };
}
