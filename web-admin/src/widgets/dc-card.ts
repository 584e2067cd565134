// "Contrôleur de domaine" card: Samba AD state, explained for non-specialists.
import { h } from '../dom.ts';
import { formatInteger, formatMoment, formatSince } from '../format.ts';
import type { DcState, SystemStatus } from '../types.ts';
import { card, facts } from './card.ts';

export const DC_STATE_LABELS: Record<DcState, string> = {
  provisioning: 'Création du domaine…',
  starting: 'Démarrage…',
  running: 'En service',
  restarting: 'Redémarrage…',
  stopped: 'Arrêté',
  failed: 'En panne',
};

const STATE_TONES: Record<DcState, string> = {
  provisioning: 'info',
  starting: 'info',
  running: 'success',
  restarting: 'warning',
  stopped: 'neutral',
  failed: 'danger',
};

const STATE_EXPLANATIONS: Record<DcState, string> = {
  provisioning: 'Le domaine de l’établissement est en cours de création. Cela peut prendre quelques minutes.',
  starting: 'Le service démarre. Il sera disponible dans quelques instants.',
  running: 'Les comptes et les connexions au réseau de l’établissement fonctionnent normalement.',
  restarting: 'Le service redémarre. Il sera disponible dans quelques instants.',
  stopped: 'Le service est arrêté : les utilisateurs ne peuvent pas se connecter.',
  failed: 'Le service ne fonctionne pas : les utilisateurs ne peuvent pas se connecter.',
};

export function dcStateLabel(state: DcState): string {
  return DC_STATE_LABELS[state] ?? state;
}

export function dcCard(status: SystemStatus): HTMLElement {
  const { dc, school } = status;
  const tone = STATE_TONES[dc.state] ?? 'neutral';
  const badge = h('span', { class: `badge badge-${tone}`, 'data-testid': 'dc-state' }, dcStateLabel(dc.state));

  const rows: [string, Node | string][] = [
    ['Domaine', school.realm || '—'],
    ['Nom NetBIOS', school.netbiosName || '—'],
    ['Annuaire sécurisé (LDAPS)', yesNo(dc.ldaps)],
    ['Redémarrages', formatInteger(dc.restarts ?? 0)],
  ];
  if (dc.state === 'running' && dc.since) rows.push(['En service', formatSince(dc.since)]);
  if (dc.lastCheckAt) rows.push(['Dernière vérification', formatMoment(dc.lastCheckAt)]);

  return card(
    { title: 'Contrôleur de domaine', icon: 'server', className: 'card-dc', testId: 'dc-card', aside: badge },
    h('p', { class: 'lead' }, STATE_EXPLANATIONS[dc.state] ?? ''),
    facts(rows),
    dc.lastError ? lastErrorBox(dc.lastError, dc.managed, dc.state) : null,
  );
}

function yesNo(value: boolean): HTMLElement {
  return h(
    'span',
    { class: value ? 'text-success' : 'text-danger' },
    value ? 'Oui, joignable' : 'Non, injoignable',
  );
}

function lastErrorBox(lastError: string, managed: boolean, state: DcState): HTMLElement {
  const advice = managed
    ? 'Le service redémarre automatiquement. Si le problème persiste, contactez l’assistance départementale.'
    : 'Si le problème persiste, contactez l’assistance départementale.';
  const tone = state === 'running' ? 'alert-neutral' : 'alert-warning';
  return h(
    'div',
    { class: `alert ${tone}` },
    h('p', { class: 'alert-title' }, state === 'running' ? 'Dernier incident signalé' : 'Problème détecté'),
    h('p', { class: 'technical' }, lastError),
    h('p', null, advice),
  );
}
