// "Espace disque" card: one bar per mounted disk.
import { h } from '../dom.ts';
import { formatBytes, formatPercent } from '../format.ts';
import type { DiskStatus } from '../types.ts';
import { card } from './card.ts';

const WARNING_RATIO = 0.85;
const CRITICAL_RATIO = 0.95;

export function diskCard(disks: DiskStatus[]): HTMLElement {
  const content =
    disks.length === 0
      ? h('p', { class: 'muted' }, 'Aucun disque à afficher.')
      : h('ul', { class: 'disk-list' }, disks.map(diskRow));
  return card({ title: 'Espace disque', icon: 'disk', className: 'card-disks', testId: 'disk-card' }, content);
}

function diskRow(disk: DiskStatus): HTMLElement {
  // Same ratio as `df`: used / (used + available).
  const usable = disk.usedBytes + disk.availBytes || disk.sizeBytes;
  const ratio = usable > 0 ? Math.min(1, Math.max(0, disk.usedBytes / usable)) : 0;
  const level = ratio > CRITICAL_RATIO ? 'critical' : ratio > WARNING_RATIO ? 'warning' : 'ok';
  const percentText = formatPercent(ratio);
  const name = disk.label || disk.mount;

  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${(ratio * 100).toFixed(1)}%`;

  return h(
    'li',
    { class: `disk disk-${level}`, 'data-level': level },
    h(
      'div',
      { class: 'disk-head' },
      h('span', { class: 'disk-name' }, name, h('span', { class: 'disk-mount' }, disk.mount)),
      h('span', { class: 'disk-percent' }, percentText),
    ),
    h(
      'div',
      {
        class: 'meter',
        role: 'meter',
        'aria-label': `Espace utilisé sur ${name}`,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': Math.round(ratio * 100),
        'aria-valuetext': `${percentText} utilisés`,
      },
      fill,
    ),
    h(
      'p',
      { class: 'disk-detail' },
      `${formatBytes(disk.usedBytes)} utilisés sur ${formatBytes(disk.sizeBytes)} · ${formatBytes(disk.availBytes)} libres`,
    ),
    level === 'critical'
      ? h('p', { class: 'disk-warning text-danger' }, 'Disque presque plein : libérez de la place ou contactez l’assistance départementale.')
      : level === 'warning'
        ? h('p', { class: 'disk-warning text-warning' }, 'L’espace libre commence à manquer.')
        : null,
  );
}
