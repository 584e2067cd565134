// The dashboard's « Parc informatique » card (administrators): how many items per status, each a
// link to the park filtered on it. Hidden when the inventory does not answer.
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { ITEM_STATUSES } from '../../inventory-types.ts';
import { card, loadingText } from '../../widgets/card.ts';
import { fetchSummary, inventoryRoutes, statusBadge } from './common.ts';

export function inventoryDashboardCard(signal: AbortSignal): HTMLElement {
  const body = h('div', null, loadingText('Chargement de l’inventaire…'));
  const element = card(
    { title: 'Parc informatique', icon: 'inventory', testId: 'dashboard-inventory', aside: h('a', { class: 'card-link', href: `#${inventoryRoutes.park}` }, 'Voir le parc') },
    body,
  );
  fetchSummary(signal).then(
    (summary) => {
      if (summary.total === 0) {
        body.replaceChildren(h('p', { class: 'muted' }, 'L’inventaire est vide : installez l’agent d’inventaire sur les ordinateurs ou importez le registre des achats.'));
        return;
      }
      const worrying = ITEM_STATUSES.filter((s) => s !== 'ok' && (summary.byStatus[s] ?? 0) > 0);
      body.replaceChildren(
        h('p', { class: 'inventory-dashboard-total' }, h('strong', null, formatInteger(summary.total)), summary.total > 1 ? ' matériels inventoriés' : ' matériel inventorié'),
        h(
          'ul',
          { class: 'inventory-dashboard-list' },
          ITEM_STATUSES.filter((s) => (summary.byStatus[s] ?? 0) > 0).map((s) =>
            h('li', null, h('a', { href: `#${inventoryRoutes.park}?etat=${s}`, 'data-testid': 'dashboard-inventory-status', 'data-status': s }, statusBadge(s, 'dashboard-inventory-badge')), h('span', { class: 'numeric-text' }, formatInteger(summary.byStatus[s] ?? 0))),
          ),
        ),
        worrying.length === 0 ? h('p', { class: 'muted small' }, 'Rien à signaler dans le parc.') : '',
      );
    },
    () => {
      if (!signal.aborted) element.remove();
    },
  );
  return element;
}
