// « Réglages des appareils » (/salles/reglages): how often the projectors are checked, the lamp
// and filter thresholds, the shutdown of the PCs (delay, message, Linux account), advanced values.
import { api, errorMessage } from '../../api.ts';
import type { DeviceSettings } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import type { Page, PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { type Field, numberField, textField, withBusy } from '../../widgets/fields.ts';
import { loadInto } from '../directory/common.ts';
import { devicePaths, deviceRoutes, getFeature } from './common.ts';

type NumberKey = {
  [K in keyof DeviceSettings]-?: NonNullable<DeviceSettings[K]> extends number ? K : never;
}[keyof DeviceSettings];
type TextKey = 'shutdownMessage' | 'sshUser';

interface NumberSpec {
  label: string;
  hint: string;
  min: number;
  max: number;
  unit: string;
}

/** Bounds of daemon/src/devices/settings.ts (deviceSettingsSchema). */
const NUMBERS: Record<NumberKey, NumberSpec> = {
  pollSeconds: { label: 'Vérification des vidéoprojecteurs', hint: 'Toutes les combien de secondes Trousse interroge chaque vidéoprojecteur : allumé ou non, heures de lampe, pannes (de 30 à 3600).', min: 30, max: 3600, unit: 'secondes' },
  unreachableAlertHours: { label: 'Alerte « injoignable »', hint: 'Après combien d’heures sans réponse un appareil fait l’objet d’une alerte (un vidéoprojecteur débranché le week-end n’en déclenche pas tout de suite).', min: 1, max: 1440, unit: 'heures' },
  lampWarnHours: { label: 'Alerte « lampe bientôt usée »', hint: 'Une alerte s’ouvre à ce nombre d’heures : le temps de commander la lampe de rechange.', min: 1, max: 100_000, unit: 'heures' },
  lampReplaceHours: { label: 'Lampe à remplacer', hint: 'La durée de vie annoncée par le fabricant (dans la notice, souvent entre 2 000 et 10 000 heures).', min: 1, max: 100_000, unit: 'heures' },
  filterCleanHours: { label: 'Nettoyage du filtre', hint: 'Une alerte rappelle de nettoyer le filtre à air après ce nombre d’heures (100 à 300 en général).', min: 1, max: 100_000, unit: 'heures' },
  wakeCheckSeconds: { label: 'Attente après un réveil', hint: 'Combien de temps Trousse attend qu’un ordinateur réveillé réponde avant de le signaler en échec (de 1 à 900).', min: 1, max: 900, unit: 'secondes' },
  shutdownDelaySeconds: { label: 'Délai avant l’extinction (Windows)', hint: 'Le temps laissé à la personne devant l’ordinateur pour enregistrer son travail ; 0 : tout de suite.', min: 0, max: 600, unit: 'secondes' },
  sshPort: { label: 'Port SSH (Linux)', hint: '22 sauf réglage particulier des ordinateurs.', min: 1, max: 65535, unit: '' },
  concurrency: { label: 'Vérifications simultanées', hint: 'Nombre d’appareils interrogés en même temps (de 1 à 256).', min: 1, max: 256, unit: 'appareils' },
  timeoutMs: { label: 'Délai de réponse', hint: 'Au-delà, un appareil est considéré comme injoignable pour cette vérification (de 200 à 30 000).', min: 200, max: 30_000, unit: 'millisecondes' },
};

const GROUPS: { legend: string; keys: (NumberKey | TextKey)[]; advanced?: boolean }[] = [
  { legend: 'Surveillance', keys: ['pollSeconds', 'unreachableAlertHours'] },
  { legend: 'Lampes et filtres', keys: ['lampWarnHours', 'lampReplaceHours', 'filterCleanHours'] },
  { legend: 'Réveil et extinction des ordinateurs', keys: ['wakeCheckSeconds', 'shutdownDelaySeconds', 'shutdownMessage', 'sshUser', 'sshPort'] },
  { legend: 'Réglages avancés', keys: ['concurrency', 'timeoutMs'], advanced: true },
];

const SSH_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export const deviceSettingsPage: Page = {
  path: deviceRoutes.settings,
  title: 'Réglages des appareils',
  roles: ['administrator'],
  group: 'salles',
  render(container, ctx) {
    const slot = h('div');
    container.append(h('div', { class: 'settings-page', 'data-testid': 'device-settings-page' }, slot));
    return loadInto(
      slot,
      ctx,
      () => getFeature<DeviceSettings>(devicePaths.settings, ctx.signal),
      (settings) => slot.replaceChildren(settingsCard(ctx, settings ?? ({} as DeviceSettings))),
      'Chargement des réglages…',
    );
  },
};

function settingsCard(ctx: PageContext, loaded: DeviceSettings): HTMLElement {
  // Only what this daemon knows: a field it does not return is not shown (nor sent).
  const numbers = new Map<NumberKey, ReturnType<typeof numberField>>();
  for (const key of Object.keys(NUMBERS) as NumberKey[]) {
    const value = loaded[key];
    if (typeof value !== 'number') continue;
    const spec = NUMBERS[key];
    numbers.set(key, numberField({ label: spec.label, name: key, value, min: spec.min, max: spec.max, unit: spec.unit || undefined, hint: spec.hint, testId: `device-setting-${key}` }));
  }
  const texts = new Map<TextKey, Field<HTMLInputElement>>();
  if (typeof loaded.shutdownMessage === 'string') {
    texts.set(
      'shutdownMessage',
      textField({ label: 'Message affiché avant l’extinction (Windows)', name: 'shutdownMessage', value: loaded.shutdownMessage, maxlength: 200, hint: 'Sans guillemets droits ("). 200 caractères au plus.', testId: 'device-setting-shutdownMessage' }),
    );
  }
  if (typeof loaded.sshUser === 'string') {
    texts.set(
      'sshUser',
      textField({ label: 'Compte des ordinateurs Linux', name: 'sshUser', value: loaded.sshUser, mono: true, spellcheck: false, hint: 'Le compte dont le fichier authorized_keys reçoit la clé de Trousse (root en général).', testId: 'device-setting-sshUser' }),
    );
  }

  const message = h('p', { class: 'form-message', role: 'alert' });
  const success = h('p', { class: 'form-message form-message-success', role: 'status', 'data-testid': 'device-settings-saved' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'device-settings-submit' }, 'Enregistrer');
  const groups = GROUPS.map((group) => {
    const fields = group.keys
      .map((key) => (key === 'shutdownMessage' || key === 'sshUser' ? texts.get(key) : numbers.get(key))?.element)
      .filter((element): element is HTMLElement => Boolean(element));
    if (fields.length === 0) return null;
    return group.advanced
      ? h('details', { class: 'settings-group device-advanced' }, h('summary', null, group.legend), fields)
      : h('fieldset', { class: 'settings-group' }, h('legend', null, group.legend), fields);
  });
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Réglages des appareils' },
    h('p', { class: 'lead' }, 'Les valeurs par défaut conviennent à la plupart des établissements.'),
    groups,
    message,
    success,
    h('div', { class: 'form-actions' }, submit),
  );

  const fail = (text: string, field: Field<HTMLElement> | null) => {
    message.className = 'form-message form-message-error';
    message.textContent = text;
    if (field) {
      field.setError(text);
      const details = field.control.closest('details');
      if (details) details.open = true;
      field.control.focus();
    }
  };
  form.addEventListener('input', () => {
    success.textContent = '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.className = 'form-message';
    message.textContent = '';
    success.textContent = '';
    for (const field of [...numbers.values(), ...texts.values()]) field.setError(null);
    const body: Partial<DeviceSettings> = {};
    for (const [key, field] of numbers) {
      const spec = NUMBERS[key];
      const value = field.read();
      if (value === null || value < spec.min || value > spec.max) return fail(`${spec.label} : un nombre entier de ${spec.min} à ${spec.max}.`, field);
      body[key] = value;
    }
    const shutdownMessage = texts.get('shutdownMessage');
    if (shutdownMessage) {
      const text = shutdownMessage.control.value.trim();
      if (text.includes('"')) return fail('Le message ne doit pas contenir de guillemets droits (") : utilisez « ».', shutdownMessage);
      body.shutdownMessage = text;
    }
    const sshUser = texts.get('sshUser');
    if (sshUser) {
      const text = sshUser.control.value.trim();
      if (!SSH_USER.test(text)) return fail('Le compte Linux s’écrit en minuscules, sans espace (par exemple root).', sshUser);
      body.sshUser = text;
    }
    if ((body.lampWarnHours ?? 0) > (body.lampReplaceHours ?? Number.POSITIVE_INFINITY)) {
      return fail('L’alerte « lampe bientôt usée » doit venir avant le nombre d’heures de remplacement.', numbers.get('lampWarnHours') ?? null);
    }
    try {
      await withBusy(submit, 'Enregistrement…', () => api.put<DeviceSettings>(devicePaths.settings, body));
      success.textContent = 'Les réglages ont été enregistrés.';
    } catch (error) {
      if (!ctx.signal.aborted) fail(errorMessage(error), null);
    }
  });
  return card({ title: 'Réglages', icon: 'settings', testId: 'device-settings' }, form);
}
