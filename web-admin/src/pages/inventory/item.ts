// A piece of equipment (/inventaire/materiel/:id): its status with every reason, what is known
// about it (processor, memory, disks and their fill, system, network, agent, lamp), its purchase
// and warranty (saved with PATCH), room and notes, the history of its changes, the installed
// software, and « Retirer de l’inventaire » for an item that Salles et appareils does not manage.
import { ApiError, api, errorMessage } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import {
  type AgeingRules,
  DEFAULT_AGEING_RULES,
  ITEM_KINDS,
  type InstalledSoftware,
  type InventoryItem,
  type ItemChange,
  type ItemDetail,
  type ItemKind,
  type ItemPatch,
  type PurchaseInfo,
  type VolumeFacts,
} from '../../inventory-types.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import { card, facts } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { type Field, selectField, textField, withBusy } from '../../widgets/fields.ts';
import { dataTable } from '../../widgets/paged-table.ts';
import { backLink, loadInto, plural } from '../directory/common.ts';
import { deleteConfirmed, textareaField } from '../devices/io.ts';
import { parseId } from '../homework/common.ts';
import {
  ageText,
  changeValue,
  fieldLabel,
  formatDay,
  formatHours,
  formatMb,
  formatWhen,
  frenchDateField,
  getInventory,
  inventoryPaths,
  inventoryRoutes,
  kindLabel,
  sourceLabel,
  statusBadge,
  today,
} from './common.ts';

interface Data {
  detail: ItemDetail;
  rules: AgeingRules;
}

export const itemPage: Page = {
  path: '/inventaire/materiel/:id',
  title: 'Matériel',
  roles: ['administrator'],
  icon: 'inventory',
  group: 'inventaire',
  nav: false,
  render(container, ctx) {
    const id = parseId(ctx.params['id']);
    const slot = h('div');
    container.append(backLink(`#${inventoryRoutes.park}`, 'Retour au parc'), slot);
    if (id === null) {
      slot.append(h('p', { class: 'alert alert-danger', role: 'alert' }, 'Ce matériel n’existe pas dans l’inventaire.'));
      return;
    }
    const load = async (): Promise<Data> => {
      const [detail, rules] = await Promise.all([
        getInventory<ItemDetail>(inventoryPaths.item(id), ctx.signal),
        api.get<AgeingRules>(inventoryPaths.rules, { signal: ctx.signal }).catch(() => DEFAULT_AGEING_RULES),
      ]);
      return { detail, rules: { ...DEFAULT_AGEING_RULES, ...rules } };
    };
    const reload = async () => {
      try {
        show(await load());
      } catch (error) {
        if (!ctx.signal.aborted) notify(errorMessage(error), 'error');
      }
    };
    const show = (data: Data) => renderItem(slot, data, ctx, () => reload());
    return loadInto(slot, ctx, load, show, 'Chargement du matériel…');
  },
};

function renderItem(slot: HTMLElement, data: Data, ctx: PageContext, reload: () => Promise<void>): void {
  const { item, changes } = data.detail;
  document.title = `${item.name} — Trousse`;
  const heading = slot.closest('main')?.querySelector('.page-title');
  if (heading) heading.textContent = item.name;

  slot.replaceChildren(
    h(
      'div',
      { class: 'directory-page page-fit', 'data-testid': 'inventory-item', 'data-id': item.id },
      h(
        'div',
        { class: 'detail-grid' },
        h('div', { class: 'detail-column' }, statusCard(item), identityCard(item), historyCard(changes), softwareCard(ctx, item)),
        h('div', { class: 'detail-column' }, purchaseCard(ctx, item, data.rules, reload), placeCard(ctx, item, reload), item.deviceId === null ? deleteCard(ctx, item) : null),
      ),
    ),
  );
}

// ---- status ----------------------------------------------------------------------------------

function statusCard(item: InventoryItem): HTMLElement {
  const reasons = item.reasons ?? [];
  return card(
    { title: 'État', icon: 'health', testId: 'item-status-card', aside: statusBadge(item.status, 'item-status') },
    reasons.length
      ? h(
          'ul',
          { class: 'report-list inventory-reasons', 'data-testid': 'item-reasons' },
          reasons.map((r) =>
            h(
              'li',
              {
                class: `report-item ${r.status === 'failing' ? 'report-error' : r.status === 'info' ? 'report-info' : r.status === 'to_watch' ? 'report-notice' : 'report-warning'}`,
                'data-testid': 'item-reason',
                'data-code': r.code,
                'data-status': r.status,
              },
              h('span', null, r.message),
            ),
          ),
        )
      : h('p', { class: 'muted', 'data-testid': 'item-no-reason' }, 'Rien à signaler : garantie en cours, âge raisonnable, aucune alerte.'),
    facts([
      ['Âge', h('span', { 'data-testid': 'item-age' }, item.ageYears === null ? 'inconnu' : `${ageText(item)}${item.ageEstimated ? ' (estimé d’après la date du BIOS)' : ''}`)],
      ['Garantie jusqu’au', h('span', { 'data-testid': 'item-warranty-end' }, formatDay(item.purchase?.warrantyEnd))],
      ['Dans l’inventaire depuis le', formatDay(item.firstSeen)],
      ['Dernières nouvelles', formatWhen(item.lastSeen)],
      ['Informations venant de', item.sources.length ? item.sources.map(sourceLabel).join(' ; ') : '—'],
    ]),
  );
}

// ---- identity --------------------------------------------------------------------------------

function identityCard(item: InventoryItem): HTMLElement {
  const f = item.facts;
  const rows: [string, Node | string][] = [
    ['Type', kindLabel(item.kind)],
    ['Fabricant', f.manufacturer || '—'],
    ['Modèle', f.model || '—'],
    ['Numéro de série', f.serial ? h('span', { class: 'login', 'data-testid': 'item-serial' }, f.serial) : '—'],
  ];
  if (f.hostName) rows.push(['Nom sur le réseau', h('span', { class: 'login' }, f.hostName)]);
  if (f.os) {
    const version = f.os.version && !f.os.name.includes(f.os.version) ? f.os.version : null;
    rows.push(['Système', [f.os.name, version, f.os.arch ? `(${f.os.arch})` : null].filter(Boolean).join(' ')]);
  }
  if (f.cpu) {
    const details = [
      f.cpu.count > 1 ? `${f.cpu.count} processeurs` : null,
      f.cpu.cores ? plural(f.cpu.cores, 'cœur', 'cœurs') : null,
      f.cpu.threads && f.cpu.threads !== f.cpu.cores ? plural(f.cpu.threads, 'fil', 'fils') : null,
      f.cpu.speedMhz ? `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(f.cpu.speedMhz / 1000)}\u00a0GHz` : null,
    ].filter(Boolean);
    rows.push(['Processeur', h('span', { 'data-testid': 'item-cpu' }, f.cpu.name, details.length ? h('span', { class: 'cell-sub muted' }, details.join(', ')) : null)]);
  }
  if (f.memoryMb !== null) rows.push(['Mémoire', h('span', { 'data-testid': 'item-memory' }, formatMb(f.memoryMb))]);
  if (f.disks.length) {
    rows.push(['Disques', h('span', { class: 'inventory-lines' }, f.disks.map((d) => h('span', null, `${d.name} · ${formatMb(d.sizeMb)}`)))]);
  }
  if (f.macs.length) rows.push(['Adresses MAC', h('span', { class: 'inventory-lines login' }, f.macs.map((m) => h('span', null, m)))]);
  if (f.ips.length) rows.push(['Adresses IP', h('span', { class: 'inventory-lines login' }, f.ips.map((m) => h('span', null, m)))]);
  if (f.lampHours.length) {
    rows.push([f.lampHours.length > 1 ? 'Heures des lampes' : 'Heures de lampe', h('span', { 'data-testid': 'item-lamp' }, f.lampHours.map(formatHours).join(' / '))]);
  }
  if (f.filterHours !== null) rows.push(['Heures du filtre', formatHours(f.filterHours)]);
  if (f.pageCount !== null) rows.push(['Pages imprimées', formatInteger(f.pageCount)]);
  if (f.firmware) rows.push(['Version du logiciel interne', f.firmware]);
  if (f.biosDate) rows.push(['Date du BIOS', formatDay(f.biosDate)]);
  if (f.lastUser) rows.push(['Dernier utilisateur', h('span', { class: 'login' }, f.lastUser)]);
  if (f.agent) {
    rows.push(
      [
        'Agent d’inventaire',
        h(
          'span',
          { 'data-testid': 'item-agent' },
          [f.agent.version || 'version inconnue', f.agent.protocol === 'xml' ? 'protocole FusionInventory (XML)' : 'protocole GLPI (JSON)'].join(' · '),
          f.agent.address ? h('span', { class: 'cell-sub muted login' }, f.agent.address) : null,
        ),
      ],
      ['Dernier inventaire', h('span', { 'data-testid': 'item-last-inventory' }, formatWhen(f.agent.at))],
    );
  }
  if (f.uuid) rows.push(['Identifiant matériel (UUID)', h('span', { class: 'login small' }, f.uuid)]);
  return card(
    { title: 'Caractéristiques', icon: 'server', testId: 'item-identity' },
    facts(rows),
    f.volumes.length ? volumesView(f.volumes) : null,
  );
}

function volumesView(volumes: VolumeFacts[]): HTMLElement {
  return h(
    'div',
    { class: 'inventory-volumes' },
    h('h3', { class: 'section-title' }, 'Remplissage des disques'),
    h(
      'ul',
      { class: 'disk-list', 'data-testid': 'item-volumes' },
      volumes.map((v) => {
        const known = v.freeMb !== null && v.totalMb > 0;
        const used = known ? Math.min(Math.max(v.totalMb - (v.freeMb ?? 0), 0), v.totalMb) : 0;
        const ratio = known ? used / v.totalMb : 0;
        const level = ratio >= 0.95 ? 'critical' : ratio >= 0.85 ? 'warning' : 'ok';
        const percent = known ? `${formatInteger(Math.floor(ratio * 100))}\u00a0%` : '—';
        const fill = h('div', { class: 'meter-fill' });
        fill.style.width = `${(ratio * 100).toFixed(1)}%`;
        return h(
          'li',
          { class: `disk disk-${level}`, 'data-testid': 'item-volume', 'data-mount': v.mount },
          h('div', { class: 'disk-head' }, h('span', { class: 'disk-name' }, v.mount, v.filesystem ? h('span', { class: 'disk-mount' }, v.filesystem) : null), h('span', { class: 'disk-percent' }, percent)),
          h(
            'div',
            { class: 'meter', role: 'meter', 'aria-label': `Remplissage de ${v.mount}`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(ratio * 100) },
            fill,
          ),
          h('p', { class: 'disk-detail' }, known ? `${formatMb(used)} utilisés sur ${formatMb(v.totalMb)} · ${formatMb(v.freeMb)} libres` : `${formatMb(v.totalMb)}, espace libre inconnu`),
        );
      }),
    ),
  );
}

// ---- history ---------------------------------------------------------------------------------

function historyCard(changes: ItemChange[]): HTMLElement {
  const rows = [...changes].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return card(
    { title: 'Historique', icon: 'clock', testId: 'item-history' },
    rows.length
      ? h(
          'div',
          { class: 'table-wrap inventory-history' },
          dataTable<ItemChange>({
            caption: 'Changements du matériel, le plus récent en premier',
            rows: rows.slice(0, 300),
            rowAttrs: (c) => ({ 'data-testid': 'item-change', 'data-field': c.field }),
            columns: [
              { label: 'Date', cell: (c) => h('span', { class: 'numeric-text' }, formatWhen(c.at)) },
              { label: 'Origine', cell: (c) => sourceLabel(c.source) },
              { label: 'Information', cell: (c) => fieldLabel(c.field) },
              {
                label: 'Changement',
                cell: (c) =>
                  c.field === 'created'
                    ? changeValue(c, c.after)
                    : h('span', { class: 'inventory-change' }, h('span', { class: 'muted' }, changeValue(c, c.before)), ' → ', h('strong', null, changeValue(c, c.after))),
              },
            ],
          }),
        )
      : h('p', { class: 'muted' }, 'Aucun changement enregistré.'),
    rows.length > 300 ? h('p', { class: 'muted small' }, `Les 300 derniers changements sur ${formatInteger(rows.length)}.`) : null,
  );
}

// ---- software --------------------------------------------------------------------------------

function softwareCard(ctx: PageContext, item: InventoryItem): HTMLElement | null {
  const count = item.facts.softwareCount;
  if (!count) return null;
  const body = h('div', { class: 'inventory-software-body' });
  const details = h(
    'details',
    { class: 'card inventory-software', 'data-testid': 'item-software' },
    h('summary', { class: 'inventory-help-summary' }, h('span', null, `Logiciels installés (${formatInteger(count)})`)),
    body,
  );
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    void loadInto(
      body,
      ctx,
      () => getInventory<InstalledSoftware[]>(inventoryPaths.software(item.id), ctx.signal),
      (list) => body.replaceChildren(softwareList(Array.isArray(list) ? list : [])),
      'Chargement des logiciels…',
    );
  });
  return details;
}

function softwareList(list: InstalledSoftware[]): HTMLElement {
  const all = [...list].sort((a, b) => a.name.localeCompare(b.name, 'fr', { sensitivity: 'base' }));
  const search = textField({ label: 'Filtrer', name: 'logiciel', type: 'search', placeholder: 'Nom, éditeur ou version', spellcheck: false, testId: 'item-software-search' });
  const total = h('p', { class: 'list-total', role: 'status', 'data-testid': 'item-software-total' });
  const results = h('div', { class: 'table-wrap' });
  const render = () => {
    const needle = search.control.value.trim().toLowerCase();
    const rows = needle ? all.filter((s) => [s.name, s.publisher, s.version].some((v) => (v ?? '').toLowerCase().includes(needle))) : all;
    total.textContent = rows.length === all.length ? plural(all.length, 'logiciel', 'logiciels') : `${plural(rows.length, 'logiciel', 'logiciels')} sur ${formatInteger(all.length)}`;
    results.replaceChildren(
      rows.length
        ? dataTable<InstalledSoftware>({
            caption: 'Logiciels installés',
            rows: rows.slice(0, 1000),
            rowAttrs: () => ({ 'data-testid': 'item-software-row' }),
            columns: [
              { label: 'Logiciel', cell: (s) => s.name },
              { label: 'Version', cell: (s) => s.version || '—' },
              { label: 'Éditeur', cell: (s) => s.publisher || '—' },
            ],
          })
        : h('p', { class: 'muted' }, all.length ? 'Aucun logiciel ne correspond.' : 'Aucun logiciel dans le dernier inventaire.'),
    );
  };
  search.control.addEventListener('input', render);
  render();
  return h('div', { class: 'inventory-software-list' }, all.length > 8 ? search.element : null, total, results);
}

// ---- purchase and warranty -------------------------------------------------------------------

function purchaseCard(ctx: PageContext, item: InventoryItem, rules: AgeingRules, reload: () => Promise<void>): HTMLElement {
  const p: PurchaseInfo = item.purchase ?? { purchaseDate: null, warrantyEnd: null, supplier: '', orderNumber: '', invoice: '', value: null };
  // The item shows the effective warranty end: the one given, or the one assumed from the rules.
  // An assumed end is left empty here, so that it keeps following the rules.
  const givenEnd = p.warrantyEnd && !item.warrantyAssumed ? p.warrantyEnd : '';
  const years = plural(rules.warrantyYears, 'an', 'ans');

  const purchaseDate = frenchDateField({ label: 'Date d’achat', name: 'purchaseDate', value: p.purchaseDate, hint: 'La date de la facture ou de la livraison, par exemple 15/09/2023.', testId: 'item-purchase-date' });
  const warrantyEnd = frenchDateField({
    label: 'Fin de garantie',
    name: 'warrantyEnd',
    value: givenEnd,
    optional: true,
    hint: `Vide : Trousse compte ${years} de garantie à partir de la date d’achat (règles de vieillissement).`,
    testId: 'item-warranty-date',
  });
  const supplier = textField({ label: 'Fournisseur', name: 'supplier', value: p.supplier, optional: true, maxlength: 200, testId: 'item-supplier' });
  const order = textField({ label: 'N° de commande', name: 'orderNumber', value: p.orderNumber, optional: true, maxlength: 200, testId: 'item-order' });
  const invoice = textField({ label: 'N° de facture', name: 'invoice', value: p.invoice, optional: true, maxlength: 200, testId: 'item-invoice' });
  const value = textField({ label: 'Montant (€)', name: 'value', value: p.value === null ? '' : p.value.toFixed(2).replace('.', ','), optional: true, maxlength: 20, placeholder: 'par exemple 749,00', testId: 'item-value' });
  value.control.inputMode = 'decimal';

  const message = h('p', { class: 'form-message', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'item-purchase-save' }, 'Enregistrer');
  const fields: Field<HTMLElement>[] = [purchaseDate, warrantyEnd, supplier, order, invoice, value];
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Achat et garantie' },
    h('div', { class: 'form-row' }, purchaseDate.element, warrantyEnd.element),
    h('div', { class: 'form-row' }, supplier.element, order.element),
    h('div', { class: 'form-row' }, invoice.element, value.element),
    message,
    h('div', { class: 'form-actions' }, submit),
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
    message.textContent = '';
    message.className = 'form-message';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of fields) f.setError(null);
    message.textContent = '';
    const typedBought = purchaseDate.read();
    const typedEnd = warrantyEnd.read();
    if (typedBought === null) return fail('La date d’achat s’écrit jj/mm/aaaa, par exemple 15/09/2023.', purchaseDate);
    if (typedEnd === null) return fail('La fin de garantie s’écrit jj/mm/aaaa, par exemple 15/09/2027.', warrantyEnd);
    const bought = typedBought || null;
    const ends = typedEnd || null;
    if (bought && bought > today()) return fail('La date d’achat ne peut pas être dans le futur.', purchaseDate);
    if (bought && ends && ends < bought) return fail('La fin de garantie ne peut pas précéder la date d’achat.', warrantyEnd);
    const text = value.control.value.replace(/\s|\u00a0|€/g, '').replace(',', '.');
    let amount: number | null = null;
    if (text) {
      amount = Number(text);
      if (!/^\d+(\.\d{1,2})?$/.test(text) || !Number.isFinite(amount)) return fail('Le montant s’écrit en euros, par exemple 749,00.', value);
    }
    const patch: ItemPatch = {
      purchase: {
        purchaseDate: bought,
        warrantyEnd: ends,
        supplier: supplier.control.value.trim(),
        orderNumber: order.control.value.trim(),
        invoice: invoice.control.value.trim(),
        value: amount,
      },
    };
    try {
      const saved = await withBusy(submit, 'Enregistrement…', () => api.patch<InventoryItem>(inventoryPaths.item(item.id), patch));
      notify(saved && saved.status !== item.status ? `Enregistré. « ${item.name} » est maintenant : ${statusText(saved)}.` : 'Achat et garantie enregistrés.');
      await reload();
    } catch (error) {
      if (!ctx.signal.aborted) fail(errorMessage(error), null);
    }
  });
  return card(
    { title: 'Achat et garantie', icon: 'file', testId: 'item-purchase' },
    h('p', { class: 'lead' }, 'Ces informations donnent l’âge exact du matériel et la fin de sa garantie. Vous pouvez aussi les importer pour tout le parc depuis le ', h('a', { href: `#${inventoryRoutes.purchases}` }, 'registre des achats'), '.'),
    form,
  );
}

function statusText(item: InventoryItem): string {
  return { ok: 'OK', to_watch: 'à surveiller', out_of_warranty: 'hors garantie', to_renew: 'à renouveler', failing: 'en panne' }[item.status] ?? item.status;
}

// ---- room, name, notes -----------------------------------------------------------------------

function placeCard(ctx: PageContext, item: InventoryItem, reload: () => Promise<void>): HTMLElement {
  const managed = item.deviceId !== null;
  const name = textField({ label: 'Nom', name: 'name', value: item.name, maxlength: 100, required: true, testId: 'item-name' });
  const kind = selectField({ label: 'Type', name: 'kind', value: item.kind, options: ITEM_KINDS.map((k) => ({ value: k, label: kindLabel(k) })), testId: 'item-kind' });
  const room = textField({ label: 'Salle', name: 'room', value: item.room ?? '', optional: true, maxlength: 100, placeholder: 'par exemple CDI ou 104', testId: 'item-room' });
  const notes = textareaField({ label: 'Notes', name: 'notes', value: item.notes, optional: true, rows: 3, hint: 'Ce qui est utile à savoir : prêté, en réparation, à ne pas déplacer…' });
  notes.control.maxLength = 2000;
  notes.control.dataset.testid = 'item-notes';
  for (const f of [name, kind, room]) f.control.disabled = managed;

  const message = h('p', { class: 'form-message', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'item-place-save' }, 'Enregistrer');
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Nom, salle et notes' },
    managed
      ? h(
          'p',
          { class: 'alert alert-neutral', 'data-testid': 'item-managed' },
          'Ce matériel est géré dans Salles et appareils : son nom, son type et sa salle se changent là-bas. ',
          h('a', { href: `#${inventoryRoutes.device(item.deviceId ?? 0)}`, 'data-testid': 'item-device-link' }, 'Ouvrir sa fiche dans Salles et appareils'),
        )
      : null,
    h('div', { class: 'form-row' }, name.element, kind.element),
    room.element,
    notes.element,
    message,
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.className = 'form-message';
    message.textContent = '';
    name.setError(null);
    const patch: ItemPatch = { notes: notes.control.value };
    if (!managed) {
      const typed = name.control.value.trim();
      if (!typed) {
        message.className = 'form-message form-message-error';
        message.textContent = 'Indiquez un nom.';
        name.setError('Indiquez un nom.');
        name.control.focus();
        return;
      }
      patch.name = typed;
      patch.kind = kind.control.value as ItemKind;
      patch.room = room.control.value.trim() || null;
    }
    try {
      await withBusy(submit, 'Enregistrement…', () => api.patch<InventoryItem>(inventoryPaths.item(item.id), patch));
      notify('Les informations ont été enregistrées.');
      await reload();
    } catch (error) {
      if (ctx.signal.aborted) return;
      message.className = 'form-message form-message-error';
      message.textContent = error instanceof ApiError && error.code === 'ITEM_MANAGED' ? `${error.message} (lien ci-dessus)` : errorMessage(error);
    }
  });
  return card({ title: managed ? 'Salle et notes' : 'Nom, salle et notes', icon: 'rooms', testId: 'item-place' }, form);
}

// ---- removal ---------------------------------------------------------------------------------

function deleteCard(ctx: PageContext, item: InventoryItem): HTMLElement {
  const remove = h('button', { type: 'button', class: 'button button-danger-outline', 'data-testid': 'item-delete' }, 'Retirer de l’inventaire');
  remove.addEventListener('click', () =>
    confirmDialog({
      title: `Retirer « ${item.name} » de l’inventaire ?`,
      testId: 'item-delete-dialog',
      signal: ctx.signal,
      content: [
        h('p', null, 'Le matériel, son historique et la liste de ses logiciels seront effacés de l’inventaire. Cela ne touche pas à l’ordinateur lui-même.'),
        item.sources.includes('agent')
          ? h('p', { class: 'alert alert-warning' }, 'Son agent d’inventaire est peut-être encore installé : s’il envoie un nouvel inventaire, ce matériel réapparaîtra. Désinstallez d’abord l’agent si le matériel est parti.')
          : null,
      ],
      typeToConfirm: { label: `Pour confirmer, tapez son nom : ${item.name}`, expected: item.name },
      confirmLabel: 'Retirer',
      busyLabel: 'Suppression…',
      danger: true,
      async action() {
        await deleteConfirmed(inventoryPaths.item(item.id), item.name);
        notify(`« ${item.name} » a été retiré de l’inventaire.`);
      },
      onSuccess: () => ctx.navigate(inventoryRoutes.park),
    }),
  );
  return card(
    { title: 'Retirer de l’inventaire', icon: 'warn', testId: 'item-delete-card' },
    h('p', { class: 'muted' }, 'Pour un matériel donné, vendu, perdu ou jeté. Il disparaît de la liste et des rapports.'),
    h('div', { class: 'actions-row' }, remove),
  );
}
