import type { SystemStatus } from '../types.ts';
import { card, facts } from './card.ts';

export function versionsCard(status: SystemStatus): HTMLElement {
  const { versions } = status;
  return card(
    { title: 'Versions', icon: 'versions', className: 'card-versions', testId: 'versions-card' },
    facts([
      ['Trousse', versions.trousse || '—'],
      ['Node.js', versions.node || '—'],
      ['Samba', versions.samba || '—'],
    ]),
  );
}
