// « Remontée au département » (/inventaire/remontee): where the school's reports go — the
// departmental hub (address, token, optional client certificate and authority) and the
// département's GLPI (the PCs' inventories relayed) — with the daily time, « Tester la connexion »,
// « Envoyer maintenant », what was delivered, the last error, and the queue of what waits (retry,
// give up). The status and the queue are read again every 5 seconds while the page is open.
import { api, errorMessage } from '../../api.ts';
import { h, uid } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import type { HubSecretsInput, HubSecretsView, HubSettings, HubTestResult, HubView, OutboxTarget, OutboxView, TargetState } from '../../inventory-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card, facts } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { type Field, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { loadInto, plural } from '../directory/common.ts';
import { readTextFile } from '../devices/io.ts';
import { formatWhen, getInventory, inventoryPaths, inventoryRoutes } from './common.ts';

const REFRESH_MS = 5000;

const TARGET_LABELS: Record<OutboxTarget, string> = {
  hub: 'Hub départemental',
  glpi: 'GLPI du département',
};

export const deliveryPage: Page = {
  path: inventoryRoutes.delivery,
  title: 'Remontée au département',
  roles: ['administrator'],
  group: 'inventaire',
  render(container, ctx) {
    const slot = h('div');
    container.append(h('div', { class: 'directory-page page-fit inventory-delivery', 'data-testid': 'inventory-delivery-page' }, slot));
    return loadInto(slot, ctx, () => getInventory<HubView>(inventoryPaths.hub, ctx.signal), (view) => renderDelivery(slot, ctx, view), 'Chargement des réglages de la remontée…');
  },
};

function renderDelivery(slot: HTMLElement, ctx: PageContext, initial: HubView): void {
  let view = initial;
  const statusSlot = h('div', { 'data-testid': 'hub-status-slot' });
  const queueSlot = h('div');
  const refreshed = h('p', { class: 'muted small', 'data-testid': 'hub-refreshed' });

  const showState = () => {
    statusSlot.replaceChildren(statusCard(view, refreshed));
    queueSlot.replaceChildren(queueCard(ctx, view.queue ?? [], () => void refresh()));
  };
  let busy = false;
  const refresh = async () => {
    if (busy || ctx.signal.aborted) return;
    busy = true;
    try {
      view = await api.get<HubView>(inventoryPaths.hub, { signal: ctx.signal });
      refreshed.textContent = `Mis à jour à ${new Date().toLocaleTimeString('fr-FR')} (toutes les 5 secondes).`;
      showState();
    } catch {
      // The next round tries again; the page keeps what it shows.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  refreshed.textContent = 'Mis à jour toutes les 5 secondes.';
  showState();

  const settings = settingsCard(ctx, view, async () => {
    await refresh();
    return view;
  });
  slot.replaceChildren(
    h(
      'div',
      { class: 'directory-page page-fit' },
      h(
        'p',
        { class: 'muted intro' },
        'Chaque jour, Trousse envoie au hub du département l’inventaire du parc et l’état de santé du serveur ; les alertes (matériel en panne, à renouveler…) partent aussitôt. Les inventaires des ordinateurs peuvent aussi être transmis au GLPI du département. Sans réseau, rien n’est perdu : les envois attendent dans la file et repartent tout seuls.',
      ),
      h('div', { class: 'detail-grid' }, h('div', { class: 'detail-column' }, settings), h('div', { class: 'detail-column' }, statusSlot)),
      queueSlot,
    ),
  );
}

// ---- status ----------------------------------------------------------------------------------

function statusCard(view: HubView, refreshed: HTMLElement): HTMLElement {
  const targets = view.targets ?? [];
  const configured: Record<OutboxTarget, boolean> = { hub: Boolean(view.settings?.url), glpi: Boolean(view.settings?.glpiUrl) };
  return card(
    { title: 'Envois', icon: 'health', testId: 'hub-status' },
    h('div', { class: 'inventory-targets' }, (['hub', 'glpi'] as const).map((target) => targetView(target, targets.find((t) => t.target === target), configured[target]))),
    refreshed,
  );
}

function targetView(target: OutboxTarget, state: TargetState | undefined, configured: boolean): HTMLElement {
  const s: TargetState = state ?? { target, delivered: 0, lastDeliveryAt: null, lastDelivery: null, lastErrorAt: null, lastError: null, dropped: 0, queued: 0, rejected: 0, oldestAt: null };
  const rows: [string, Node | string][] = [
    [
      'Dernier envoi réussi',
      s.lastDeliveryAt
        ? h('span', { 'data-testid': 'hub-last-delivery' }, formatWhen(s.lastDeliveryAt), s.lastDelivery ? h('span', { class: 'cell-sub muted' }, s.lastDelivery) : null)
        : h('span', { class: 'muted', 'data-testid': 'hub-last-delivery' }, 'aucun pour le moment'),
    ],
    ['Envois réussis', formatInteger(s.delivered)],
    [
      'En attente',
      h('span', { 'data-testid': 'hub-queued', 'data-count': s.queued }, s.queued ? `${formatInteger(s.queued)}, le plus ancien depuis le ${formatWhen(s.oldestAt)}` : 'rien'),
    ],
  ];
  if (s.rejected) rows.push(['Mis de côté', h('span', { class: 'text-warning', 'data-testid': 'hub-rejected' }, `${formatInteger(s.rejected)} (refusés par le destinataire : voir la file plus bas)`)]);
  if (s.dropped) rows.push(['Perdus', h('span', { class: 'text-danger', 'data-testid': 'hub-dropped' }, `${formatInteger(s.dropped)} (la file était pleine : les plus anciens ont été abandonnés)`)]);
  return h(
    'section',
    { class: 'inventory-target', 'data-testid': 'hub-target', 'data-target': target, 'data-configured': String(configured) },
    h(
      'h3',
      { class: 'section-title inventory-target-title' },
      TARGET_LABELS[target],
      configured ? h('span', { class: 'badge badge-success' }, 'configuré') : h('span', { class: 'badge badge-neutral' }, 'non configuré'),
    ),
    facts(rows),
    s.lastError
      ? h(
          'p',
          { class: 'alert alert-danger', 'data-testid': 'hub-last-error' },
          h('span', { class: 'alert-title' }, `Dernière erreur, le ${formatWhen(s.lastErrorAt)}`),
          h('span', null, s.lastError),
        )
      : null,
  );
}

// ---- queue -----------------------------------------------------------------------------------

function queueCard(ctx: PageContext, queue: OutboxView[], refresh: () => void): HTMLElement {
  const retryAll = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'hub-retry-all', disabled: queue.length === 0 }, 'Tout réessayer maintenant');
  retryAll.addEventListener('click', async () => {
    try {
      const r = await withBusy(retryAll, 'Relance…', () => api.post<{ retried: number }>(inventoryPaths.hubRetry, {}));
      notify(r?.retried ? `${plural(r.retried, 'envoi relancé', 'envois relancés')}.` : 'Rien à relancer.');
      refresh();
    } catch (error) {
      if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
    }
  });
  return card(
    { title: 'File d’envoi', icon: 'clock', testId: 'hub-queue', aside: retryAll },
    queue.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'hub-queue-empty' }, 'La file est vide : tout a été envoyé.')
      : h(
          'div',
          { class: 'table-wrap' },
          dataTable<OutboxView>({
            caption: 'Envois en attente ou mis de côté',
            testId: 'hub-queue-table',
            rows: queue,
            rowAttrs: (m) => ({ 'data-testid': 'hub-queue-row', 'data-id': m.id, 'data-state': m.state }),
            columns: [
              {
                label: 'Envoi',
                cell: (m) => h('span', null, h('strong', null, m.label), h('span', { class: 'cell-sub muted' }, `${TARGET_LABELS[m.target] ?? m.target} · créé le ${formatWhen(m.createdAt)}`)),
              },
              { label: 'N°', className: 'numeric', cell: (m) => formatInteger(m.seq) },
              { label: 'Essais', className: 'numeric', cell: (m) => formatInteger(m.attempts) },
              { label: 'Prochain essai', cell: (m) => nextAttemptText(m) },
              { label: 'Dernière erreur', cell: (m) => (m.lastError ? h('span', { class: 'text-danger inventory-queue-error' }, m.lastError) : h('span', { class: 'muted' }, '—')) },
              {
                label: 'État',
                cell: (m) =>
                  m.state === 'rejected'
                    ? h('span', { class: 'badge badge-warning', title: 'Refusé par le destinataire : il ne repartira que si vous cliquez sur « Réessayer ».' }, 'mis de côté')
                    : h('span', { class: 'badge badge-info' }, 'en attente'),
              },
              { label: 'Actions', cell: (m) => queueActions(ctx, m, refresh) },
            ],
          }),
        ),
    queue.some((m) => m.state === 'rejected')
      ? h('p', { class: 'muted small' }, 'Un envoi « mis de côté » a été refusé par le destinataire (adresse, jeton ou contenu) : corrigez les réglages puis cliquez sur « Réessayer », ou abandonnez-le.')
      : null,
  );
}

/** « dès que possible » (now, or after the one before it in line), a date, or « — » when set aside. */
function nextAttemptText(m: OutboxView): Node | string {
  if (m.state === 'rejected' || !m.nextAttemptAt) return h('span', { class: 'muted' }, '—');
  const at = Date.parse(m.nextAttemptAt);
  return Number.isNaN(at) || at <= Date.now() ? 'dès que possible' : formatWhen(m.nextAttemptAt);
}

function queueActions(ctx: PageContext, message: OutboxView, refresh: () => void): HTMLElement {
  const retry = h('button', { type: 'button', class: 'button button-small', 'data-testid': 'hub-retry' }, 'Réessayer');
  retry.addEventListener('click', async () => {
    try {
      await withBusy(retry, 'Relance…', () => api.post(inventoryPaths.hubRetry, { id: message.id }));
      notify(`« ${message.label} » va être renvoyé.`);
      refresh();
    } catch (error) {
      if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
    }
  });
  const discard = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'hub-discard' }, 'Abandonner');
  discard.addEventListener('click', () =>
    confirmDialog({
      title: 'Abandonner cet envoi ?',
      testId: 'hub-discard-dialog',
      signal: ctx.signal,
      content: [
        h('p', null, `« ${message.label} » (${TARGET_LABELS[message.target] ?? message.target}, n° ${message.seq}) sera retiré de la file et ne sera jamais envoyé.`),
        h('p', { class: 'muted' }, 'Les inventaires et états de santé sont renvoyés chaque jour : en abandonner un ne fait rien perdre d’important. Une alerte abandonnée, elle, ne sera pas connue du département.'),
      ],
      confirmLabel: 'Abandonner l’envoi',
      busyLabel: 'Abandon…',
      danger: true,
      async action() {
        await api.delete(inventoryPaths.hubDiscard(message.id));
        notify(`« ${message.label} » a été abandonné.`);
      },
      onSuccess: refresh,
    }),
  );
  return h('span', { class: 'device-row-actions' }, retry, discard);
}

// ---- settings --------------------------------------------------------------------------------

interface PemInput {
  element: HTMLElement;
  text: HTMLTextAreaElement;
  clear(): void;
}

/** A PEM (certificate, key): paste it or choose its file. Write-only: the server never shows it back. */
function pemInput(options: { label: string; name: string; hint: string; testId: string; accept: string }): PemInput {
  const id = uid(`pem-${options.name}`);
  const text = h('textarea', { id, name: options.name, rows: 4, class: 'input-mono', spellcheck: 'false', placeholder: '-----BEGIN …-----', 'aria-describedby': `${id}-hint`, 'data-testid': options.testId });
  const file = h('input', { type: 'file', accept: options.accept, class: 'inventory-pem-file', 'aria-label': `${options.label} : choisir le fichier`, 'data-testid': `${options.testId}-file` });
  const fileMessage = h('span', { class: 'field-hint', role: 'status' });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      text.value = (await readTextFile(chosen)).trim();
      fileMessage.textContent = `Contenu de « ${chosen.name} » repris ci-dessus.`;
      text.dispatchEvent(new Event('input', { bubbles: true }));
    } catch (error) {
      fileMessage.textContent = errorMessage(error);
    }
  });
  return {
    text,
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, options.label),
      h('p', { class: 'field-hint', id: `${id}-hint` }, options.hint),
      text,
      h('div', { class: 'inventory-pem-row' }, h('span', { class: 'field-hint' }, 'ou choisissez le fichier :'), file, fileMessage),
    ),
    clear() {
      text.value = '';
      file.value = '';
      fileMessage.textContent = '';
    },
  };
}

function settingsCard(ctx: PageContext, initial: HubView, refresh: () => Promise<HubView>): HTMLElement {
  let secrets: HubSecretsView = initial.secrets ?? { hasToken: false, clientCertificate: null, hasCa: false };
  const s: HubSettings = initial.settings ?? { url: null, glpiUrl: null, dailyTime: '02:00' };

  const url = textField({
    label: 'Adresse du hub départemental',
    name: 'url',
    value: s.url ?? '',
    placeholder: 'https://hub.departement.fr/api/trousse/v1',
    spellcheck: false,
    mono: true,
    maxlength: 500,
    hint: 'Donnée par le service informatique du département. Vide : rien n’est envoyé au hub.',
    testId: 'hub-url',
  });
  url.control.type = 'url';
  const token = textField({ label: 'Jeton d’accès', name: 'token', spellcheck: false, mono: true, maxlength: 4096, autocomplete: 'off', testId: 'hub-token' });
  token.control.type = 'password';
  const tokenHint = h('p', { class: 'field-hint', 'data-testid': 'hub-token-state' });
  token.control.before(tokenHint);
  const removeToken = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'hub-token-remove' }, 'Retirer le jeton');

  const cert = pemInput({ label: 'Certificat client', name: 'cert', hint: 'Fichier .crt ou .pem commençant par « -----BEGIN CERTIFICATE----- ».', testId: 'hub-cert', accept: '.crt,.pem,.cer' });
  const key = pemInput({ label: 'Clé privée du certificat', name: 'key', hint: 'Fichier .key ou .pem, sans mot de passe (« -----BEGIN PRIVATE KEY----- »).', testId: 'hub-key', accept: '.key,.pem' });
  const certState = h('p', { class: 'field-hint', 'data-testid': 'hub-cert-state' });
  const removeCert = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'hub-cert-remove' }, 'Retirer le certificat');
  const ca = pemInput({ label: 'Certificat de l’autorité du hub', name: 'ca', hint: 'Seulement si le hub utilise un certificat du département que le serveur ne connaît pas.', testId: 'hub-ca', accept: '.crt,.pem,.cer' });
  const caState = h('p', { class: 'field-hint', 'data-testid': 'hub-ca-state' });
  const removeCa = h('button', { type: 'button', class: 'button button-small button-danger-outline', 'data-testid': 'hub-ca-remove' }, 'Retirer l’autorité');

  const glpi = textField({
    label: 'Adresse du GLPI du département',
    name: 'glpiUrl',
    value: s.glpiUrl ?? '',
    placeholder: 'https://glpi.departement.fr',
    spellcheck: false,
    mono: true,
    maxlength: 500,
    optional: true,
    hint: 'Trousse lui transmet l’inventaire de chaque ordinateur, comme si l’agent l’envoyait lui-même. Vide : pas de transmission.',
    testId: 'hub-glpi-url',
  });
  glpi.control.type = 'url';
  const dailyTime = textField({
    label: 'Heure de l’envoi quotidien',
    name: 'dailyTime',
    value: s.dailyTime,
    placeholder: 'hh:mm',
    maxlength: 5,
    hint: 'Heure de Paris, par exemple 02:30. Le serveur doit être allumé à cette heure-là ; sinon l’envoi part à son prochain démarrage.',
    testId: 'hub-daily-time',
  });
  dailyTime.control.inputMode = 'numeric';
  dailyTime.control.classList.add('inventory-time');

  const showSecrets = () => {
    tokenHint.textContent = secrets.hasToken
      ? 'Un jeton est enregistré (il n’est jamais réaffiché). Laissez vide pour le garder, ou tapez le nouveau pour le remplacer.'
      : 'Aucun jeton enregistré : collez celui que le département vous a donné.';
    token.control.placeholder = secrets.hasToken ? 'jeton enregistré' : '';
    removeToken.hidden = !secrets.hasToken;
    const c = secrets.clientCertificate;
    certState.textContent = c
      ? `Certificat enregistré : ${c.subject}${c.validTo ? `, valable jusqu’au ${formatWhen(c.validTo)}` : ''}. Pour le remplacer, donnez le nouveau certificat et sa clé.`
      : 'Aucun certificat client : seulement si le département en demande un.';
    certState.className = c?.validTo && Date.parse(c.validTo) < Date.now() ? 'field-hint text-danger' : 'field-hint';
    if (c?.validTo && Date.parse(c.validTo) < Date.now()) certState.textContent = `Certificat enregistré expiré depuis le ${formatWhen(c.validTo)} (${c.subject}) : demandez-en un nouveau au département.`;
    removeCert.hidden = !c;
    caState.textContent = secrets.hasCa ? 'Une autorité est enregistrée.' : 'Aucune autorité particulière : les autorités habituelles suffisent.';
    removeCa.hidden = !secrets.hasCa;
  };
  showSecrets();

  const message = h('p', { class: 'form-message', role: 'alert', 'data-testid': 'hub-settings-message' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'hub-save' }, 'Enregistrer');
  const test = h('button', { type: 'button', class: 'button', 'data-testid': 'hub-test' }, 'Tester la connexion');
  const sendNow = h('button', { type: 'button', class: 'button', 'data-testid': 'hub-send-now' }, icon('imports'), 'Envoyer maintenant');
  const testResult = h('div', { 'aria-live': 'polite', 'data-testid': 'hub-test-slot' });
  let dirty = false;

  const fields: Field<HTMLElement>[] = [url, token, glpi, dailyTime];
  const certDetails = h(
    'details',
    { class: 'inventory-advanced', open: Boolean(secrets.clientCertificate || secrets.hasCa) },
    h('summary', null, 'Certificat client et autorité (facultatif)'),
    h('p', { class: 'field-hint' }, 'Certains départements demandent en plus un certificat client pour reconnaître le serveur. Ne remplissez ces champs que si l’on vous a fourni ces fichiers.'),
    certState,
    cert.element,
    key.element,
    h('div', { class: 'actions-row' }, removeCert),
    caState,
    ca.element,
    h('div', { class: 'actions-row' }, removeCa),
  );
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Réglages de la remontée' },
    h('fieldset', { class: 'settings-group' }, h('legend', null, 'Hub départemental'), url.element, token.element, h('div', null, removeToken), certDetails),
    h('fieldset', { class: 'settings-group' }, h('legend', null, 'GLPI du département'), glpi.element),
    h('fieldset', { class: 'settings-group' }, h('legend', null, 'Envoi quotidien'), dailyTime.element),
    message,
    h('div', { class: 'form-actions' }, submit, test, sendNow),
    testResult,
  );

  const fail = (text: string, field: Field<HTMLElement> | null) => {
    message.className = 'form-message form-message-error';
    message.textContent = text;
    if (field) {
      field.setError(text);
      field.control.focus();
    }
  };
  form.addEventListener('input', () => {
    dirty = true;
    message.className = 'form-message';
    message.textContent = '';
  });

  /** Saves the addresses, the time and whatever secret was given; false when refused (message shown). */
  const save = async (): Promise<boolean> => {
    for (const f of fields) f.setError(null);
    message.className = 'form-message';
    message.textContent = '';
    const hubUrl = url.control.value.trim();
    const glpiUrl = glpi.control.value.trim();
    for (const [value, field, what] of [
      [hubUrl, url, 'L’adresse du hub'],
      [glpiUrl, glpi, 'L’adresse du GLPI'],
    ] as const) {
      if (value && !/^https?:\/\/[^\s/]+/i.test(value)) {
        fail(`${what} doit commencer par https:// (ou http:// sur le réseau local).`, field);
        return false;
      }
    }
    const time = /^(\d{1,2})\s*[:hH]\s*(\d{2})$/.exec(dailyTime.control.value.trim());
    if (time) dailyTime.control.value = `${time[1]?.padStart(2, '0')}:${time[2]}`;
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(dailyTime.control.value)) {
      fail('Indiquez l’heure de l’envoi quotidien (par exemple 02:30).', dailyTime);
      return false;
    }
    const typedToken = token.control.value.trim();
    if (typedToken && !/^[\x21-\x7e]{8,4096}$/.test(typedToken)) {
      fail('Le jeton doit faire au moins 8 caractères, sans espace ni accent : recopiez-le tel que le département l’a donné.', token);
      return false;
    }
    const certText = cert.text.value.trim();
    const keyText = key.text.value.trim();
    if ((certText && !keyText && !secrets.clientCertificate) || (!certText && keyText && !secrets.clientCertificate)) {
      fail('Il faut le certificat client et sa clé privée, ensemble.', null);
      return false;
    }
    const secretsBody: HubSecretsInput = {};
    if (typedToken) secretsBody.token = typedToken;
    if (certText) secretsBody.cert = certText;
    if (keyText) secretsBody.key = keyText;
    const caText = ca.text.value.trim();
    if (caText) secretsBody.ca = caText;

    try {
      await api.put<HubSettings>(inventoryPaths.hubSettings, { url: hubUrl || null, glpiUrl: glpiUrl || null, dailyTime: dailyTime.control.value });
    } catch (error) {
      if (!ctx.signal.aborted) fail(errorMessage(error), null);
      return false;
    }
    if (Object.keys(secretsBody).length > 0) {
      try {
        secrets = await api.put<HubSecretsView>(inventoryPaths.hubSecrets, secretsBody);
      } catch (error) {
        if (!ctx.signal.aborted) fail(`Les adresses sont enregistrées, mais pas les éléments de sécurité : ${errorMessage(error)}`, null);
        return false;
      }
    }
    token.control.value = '';
    cert.clear();
    key.clear();
    ca.clear();
    showSecrets();
    dirty = false;
    await refresh().catch(() => undefined);
    return true;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    testResult.replaceChildren();
    const ok = await withBusy(submit, 'Enregistrement…', save);
    if (ok) {
      message.className = 'form-message form-message-success';
      message.textContent = 'Les réglages de la remontée ont été enregistrés.';
    }
  });

  test.addEventListener('click', async () => {
    testResult.replaceChildren();
    message.className = 'form-message';
    message.textContent = '';
    try {
      const result = await withBusy(test, 'Test en cours (jusqu’à 20 secondes)…', async () => {
        if (dirty && !(await save())) return null;
        return api.post<HubTestResult>(inventoryPaths.hubTest, {});
      });
      if (!result) return;
      testResult.replaceChildren(
        h(
          'p',
          { class: `alert inventory-test-result ${result.ok ? 'alert-success' : 'alert-danger'}`, role: 'status', 'data-testid': 'hub-test-result', 'data-ok': String(Boolean(result.ok)) },
          icon(result.ok ? 'check' : 'error'),
          h('span', null, result.message || (result.ok ? 'La connexion fonctionne.' : 'La connexion a échoué.')),
        ),
      );
      await refresh().catch(() => undefined);
    } catch (error) {
      if (!ctx.signal.aborted) testResult.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert', 'data-testid': 'hub-test-result', 'data-ok': 'false' }, errorMessage(error)));
    }
  });

  sendNow.addEventListener('click', async () => {
    testResult.replaceChildren();
    try {
      await withBusy(sendNow, 'Préparation de l’envoi…', async () => {
        if (dirty && !(await save())) throw new Error('not saved');
        await api.post(inventoryPaths.hubSendNow, {});
      });
      notify('L’inventaire du parc et l’état du serveur sont dans la file : l’envoi est en cours.');
      await refresh().catch(() => undefined);
    } catch (error) {
      if (!ctx.signal.aborted && !(error instanceof Error && error.message === 'not saved')) notify(errorMessage(error), 'error');
    }
  });

  const removeSecret = (title: string, text: string, body: HubSecretsInput, done: string, testId: string) =>
    confirmDialog({
      title,
      testId,
      signal: ctx.signal,
      content: [h('p', null, text)],
      confirmLabel: 'Retirer',
      busyLabel: 'Suppression…',
      danger: true,
      async action() {
        secrets = await api.put<HubSecretsView>(inventoryPaths.hubSecrets, body);
        showSecrets();
        notify(done);
        await refresh().catch(() => undefined);
      },
    });
  removeToken.addEventListener('click', () =>
    removeSecret('Retirer le jeton d’accès ?', 'Sans jeton, le hub refusera sans doute les envois : ils attendront dans la file jusqu’à ce qu’un nouveau jeton soit saisi.', { token: null }, 'Le jeton a été retiré.', 'hub-token-remove-dialog'),
  );
  removeCert.addEventListener('click', () =>
    removeSecret('Retirer le certificat client ?', 'Le certificat et sa clé seront effacés du serveur. Si le hub en demande un, les envois seront refusés.', { cert: null, key: null }, 'Le certificat client a été retiré.', 'hub-cert-remove-dialog'),
  );
  removeCa.addEventListener('click', () =>
    removeSecret('Retirer le certificat de l’autorité ?', 'Trousse vérifiera de nouveau le hub avec les autorités habituelles.', { ca: null }, 'Le certificat de l’autorité a été retiré.', 'hub-ca-remove-dialog'),
  );

  return card({ title: 'Réglages', icon: 'settings', testId: 'hub-settings' }, form);
}
