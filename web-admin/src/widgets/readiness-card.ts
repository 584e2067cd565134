// "État du serveur" card: ready, or the reasons why not.
import { h } from '../dom.ts';
import { formatDuration } from '../format.ts';
import { icon } from '../icons.ts';
import type { SystemStatus } from '../types.ts';
import { card, facts } from './card.ts';

export function readinessCard(status: SystemStatus): HTMLElement {
  const { ready, school } = status;
  const reasons = Array.isArray(ready.reasons) ? ready.reasons : [];
  const summary = ready.ok
    ? h(
        'div',
        { class: 'readiness readiness-ok' },
        icon('check', 'icon icon-lg'),
        h('p', null, h('strong', null, 'Le serveur est prêt.'), h('br'), 'Tous les services fonctionnent.'),
      )
    : h(
        'div',
        { class: 'readiness readiness-pending' },
        icon('warn', 'icon icon-lg'),
        h(
          'div',
          null,
          h('p', null, h('strong', null, 'Le serveur n’est pas encore prêt.')),
          reasons.length > 0 ? h('ul', { class: 'reasons' }, reasons.map((reason) => h('li', null, reason))) : null,
        ),
      );

  return card(
    { title: 'État du serveur', icon: 'health', className: 'card-ready', testId: 'ready-card' },
    summary,
    facts([
      ['Allumé depuis', formatDuration(status.uptimeSeconds)],
      ['Domaine DNS', school.dnsDomain || '—'],
      ['UAI', school.uai || '—'],
    ]),
  );
}
