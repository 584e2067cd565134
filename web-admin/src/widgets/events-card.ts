// "Derniers événements" card.
import { h } from '../dom.ts';
import { formatMoment } from '../format.ts';
import { type IconName, icon } from '../icons.ts';
import type { AppEvent, EventLevel } from '../types.ts';
import { card } from './card.ts';

const LEVELS: Record<EventLevel, { label: string; icon: IconName }> = {
  info: { label: 'Information', icon: 'info' },
  warn: { label: 'Avertissement', icon: 'warn' },
  error: { label: 'Erreur', icon: 'error' },
};

export function eventsCard(events: AppEvent[], journalLink: boolean): HTMLElement {
  const aside = journalLink ? h('a', { class: 'card-link', href: '#/journal' }, 'Voir le journal') : undefined;
  const now = new Date();
  const list = h(
    'ol',
    { class: 'events', 'data-testid': 'events-list' },
    events.map((event) => eventItem(event, now)),
  );
  const empty = events.length === 0 ? h('p', { class: 'muted' }, 'Aucun événement pour le moment.') : null;
  return card({ title: 'Derniers événements', icon: 'journal', className: 'card-events', testId: 'events-card', aside }, list, empty);
}

function eventItem(event: AppEvent, now: Date): HTMLElement {
  const level = LEVELS[event.level] ?? LEVELS.info;
  return h(
    'li',
    { class: `event event-${event.level}`, 'data-event-id': event.id, 'data-level': event.level },
    h('span', { class: 'event-icon' }, icon(level.icon)),
    h(
      'div',
      { class: 'event-body' },
      h('p', { class: 'event-message' }, h('span', { class: 'sr-only' }, `${level.label} : `), event.message),
      h(
        'p',
        { class: 'event-meta' },
        h('time', { datetime: event.at }, formatMoment(event.at, now)),
        event.source ? ` · ${event.source}` : '',
      ),
    ),
  );
}
