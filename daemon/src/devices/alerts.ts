import type { AlertLevel, DeviceErrors, DeviceStatus } from './model.ts';
import type { DeviceSettings } from './settings.ts';

/** The alerts a device's status calls for (pure). The poller opens, updates and closes them. */

export interface WantedAlert {
  type: string;
  level: AlertLevel;
  message: string;
}

const CATEGORY_LABELS: Record<keyof DeviceErrors, string> = {
  fan: 'Ventilateur',
  lamp: 'Lampe',
  temperature: 'Température',
  cover: 'Capot',
  filter: 'Filtre',
  other: 'Autre défaut',
};

const CATEGORY_HINTS: Record<keyof DeviceErrors, string> = {
  fan: 'vérifiez que les grilles d’aération ne sont pas obstruées',
  lamp: 'la lampe est à remplacer ou mal installée',
  temperature: 'l’appareil chauffe : dépoussiérez le filtre et dégagez les aérations',
  cover: 'un capot est ouvert',
  filter: 'le filtre est à nettoyer',
  other: 'consultez l’écran de l’appareil',
};

const hours = (n: number) => `${new Intl.NumberFormat('fr-FR').format(n)} h`;

export function wantedAlerts(
  status: DeviceStatus,
  settings: Pick<DeviceSettings, 'lampWarnHours' | 'lampReplaceHours' | 'filterCleanHours' | 'unreachableAlertHours'>,
  ctx: { unreachableSince: string | null; authFailed: boolean; now: Date },
): WantedAlert[] {
  const out: WantedAlert[] = [];
  if (ctx.authFailed) {
    out.push({ type: 'pjlink.auth', level: 'error', message: 'Mot de passe PJLink refusé par l’appareil : corrigez-le dans sa fiche.' });
  }
  if (ctx.unreachableSince) {
    const since = new Date(ctx.unreachableSince);
    if (ctx.now.getTime() - since.getTime() >= settings.unreachableAlertHours * 3600_000) {
      out.push({
        type: 'unreachable',
        level: 'warning',
        message: `Ne répond plus depuis le ${since.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' })} (débranché, ou « veille réseau » désactivée ?).`,
      });
    }
  }
  if (status.errors) {
    for (const [cat, level] of Object.entries(status.errors) as [keyof DeviceErrors, string][]) {
      if (level === 'warning' || level === 'error') {
        out.push({
          type: `error.${cat}`,
          level,
          message: `${CATEGORY_LABELS[cat]} : ${level === 'error' ? 'panne signalée' : 'avertissement'} par l’appareil (${CATEGORY_HINTS[cat]}).`,
        });
      }
    }
  }
  status.lamps.forEach((lamp, i) => {
    const label = status.lamps.length > 1 ? `Lampe ${i + 1}` : 'Lampe';
    if (lamp.hours >= settings.lampReplaceHours) {
      out.push({ type: `lamp.hours.${i + 1}`, level: 'error', message: `${label} : ${hours(lamp.hours)}, à remplacer (seuil ${hours(settings.lampReplaceHours)}).` });
    } else if (lamp.hours >= settings.lampWarnHours) {
      out.push({ type: `lamp.hours.${i + 1}`, level: 'warning', message: `${label} : ${hours(lamp.hours)}, bientôt en fin de vie (remplacement à ${hours(settings.lampReplaceHours)}) : prévoyez-en une.` });
    }
  });
  if (status.filterHours !== null && status.filterHours >= settings.filterCleanHours) {
    out.push({ type: 'filter.hours', level: 'warning', message: `Filtre : ${hours(status.filterHours)} depuis le dernier nettoyage (à nettoyer toutes les ${hours(settings.filterCleanHours)}).` });
  }
  return out;
}
