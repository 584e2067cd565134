// « Extinction à distance » (on the Planification page, where the daemon's messages send the
// administrator): the Windows shutdown account and its GPO, the Linux SSH key line.
import { api, errorMessage } from '../../api.ts';
import type { ShutdownInfo } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import { notify } from '../../notify.ts';
import type { PageContext } from '../../router.ts';
import { card, facts, loadingText } from '../../widgets/card.ts';
import { withBusy } from '../../widgets/fields.ts';
import { commandBlock, copyable } from '../shares/common.ts';
import { devicePaths, deviceRoutes, getFeature } from './common.ts';

export function shutdownCard(ctx: PageContext): HTMLElement {
  const body = h('div', null, loadingText('Chargement de l’extinction à distance…'));
  const render = (info: ShutdownInfo | undefined): void => {
    body.replaceChildren(shutdownView(ctx, info, render));
  };
  const load = async () => {
    try {
      render(await getFeature<ShutdownInfo>(devicePaths.shutdown, ctx.signal));
    } catch (error) {
      if (ctx.signal.aborted) return;
      const retry = h('button', { type: 'button', class: 'button', onClick: () => void load() }, 'Réessayer');
      body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)), h('p', { class: 'actions-row' }, retry));
    }
  };
  void load();
  return card(
    { title: 'Extinction à distance des ordinateurs', icon: 'power', testId: 'shutdown-card' },
    h(
      'p',
      { class: 'lead' },
      'Pour que « Éteindre les ordinateurs » fonctionne (depuis « Ma salle » ou une règle), chaque ordinateur doit accepter l’ordre de Trousse. C’est à préparer une fois, différemment pour Windows et pour Linux. Le système de chaque ordinateur se choisit sur sa fiche (Salles et appareils → Modifier).',
    ),
    body,
  );
}

function badge(ok: boolean, yes: string, no: string): HTMLElement {
  return h('span', { class: `badge ${ok ? 'badge-success' : 'badge-warning'}` }, ok ? yes : no);
}

function shutdownView(ctx: PageContext, info: ShutdownInfo | undefined, onSetup: (next: ShutdownInfo) => void): HTMLElement {
  const windows = info?.windows;
  const ready = Boolean(windows?.ready);
  const message = h('p', { class: 'form-message form-message-error', role: 'alert' });
  const setup = h(
    'button',
    { type: 'button', class: `button ${ready ? '' : 'button-primary'}`.trim(), 'data-testid': 'shutdown-windows-setup' },
    ready ? 'Préparer à nouveau le compte d’extinction' : 'Préparer le compte d’extinction',
  );
  setup.addEventListener('click', async () => {
    message.textContent = '';
    try {
      const next = await withBusy(setup, 'Préparation… (jusqu’à une minute)', () => api.post<ShutdownInfo>(devicePaths.windowsSetup));
      notify('Le compte d’extinction et sa stratégie de groupe sont prêts.');
      if (next?.windows) onSetup(next);
      else onSetup(await api.get<ShutdownInfo>(devicePaths.shutdown, { signal: ctx.signal }));
    } catch (error) {
      if (!ctx.signal.aborted) message.textContent = errorMessage(error);
    }
  });

  return h(
    'div',
    null,
    h('h3', { class: 'section-title' }, 'Ordinateurs Windows'),
    h(
      'p',
      null,
      'Trousse utilise un compte de l’annuaire réservé à cela : il peut éteindre les ordinateurs, rien d’autre (il ne peut même pas ouvrir de session). Une stratégie de groupe « Trousse - extinction a distance », liée au domaine, lui donne ce droit sur tous les ordinateurs Windows inscrits dans le domaine.',
    ),
    h(
      'div',
      { 'data-testid': 'shutdown-windows', 'data-ready': String(ready) },
      facts([
        ['Compte d’extinction', h('span', { class: 'login' }, windows?.account || 'trousse-extinction')],
        ['Stratégie de groupe', badge(Boolean(windows?.gpo), 'créée', 'pas encore créée')],
        ['État', h('span', { 'data-testid': 'shutdown-windows-state' }, badge(ready, 'prêt', 'à préparer'))],
      ]),
    ),
    windows?.problem ? h('p', { class: 'alert alert-warning', 'data-testid': 'shutdown-windows-problem' }, windows.problem) : null,
    h(
      'p',
      { class: 'muted small' },
      '« Préparer le compte d’extinction » crée le compte et la stratégie, ou les répare : vous pouvez cliquer sans risque. Chaque ordinateur applique la stratégie à son prochain redémarrage (ou tout de suite avec la commande gpupdate /force). Si un ordinateur refuse de s’éteindre, vérifiez que son pare-feu autorise le « Partage de fichiers et d’imprimantes ».',
    ),
    message,
    h('div', { class: 'actions-row' }, setup),
    linuxBlock(info?.linux),
  );
}

function linuxBlock(linux: ShutdownInfo['linux'] | undefined): HTMLElement {
  const line = linux?.authorizedKeysLine ?? '';
  const user = linux?.user || 'root';
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const quoted = `'${line.replace(/'/g, `'\\''`)}'`;
  return h(
    'div',
    { 'data-testid': 'shutdown-linux' },
    h('h3', { class: 'section-title' }, 'Ordinateurs Linux'),
    line
      ? [
          h(
            'p',
            null,
            'Trousse se connecte par SSH avec sa propre clé, qui ne permet que d’éteindre ou de redémarrer, et seulement depuis le serveur. Sur chaque ordinateur Linux, ajoutez une fois cette ligne au fichier ',
            h('span', { class: 'login' }, `${home}/.ssh/authorized_keys`),
            ` (compte « ${user} ») :`,
          ),
          h('p', null, copyable(line, 'la ligne authorized_keys', 'shutdown-linux-line')),
          h('p', { class: 'field-hint' }, 'Par exemple, dans un terminal de l’ordinateur, avec un compte administrateur (le serveur SSH doit être installé : sudo apt install openssh-server) :'),
          commandBlock(
            [
              `sudo install -d -m 700 -o ${user} -g ${user} ${home}/.ssh`,
              `echo ${quoted} | sudo tee -a ${home}/.ssh/authorized_keys >/dev/null`,
              `sudo chown ${user}: ${home}/.ssh/authorized_keys && sudo chmod 600 ${home}/.ssh/authorized_keys`,
            ],
            'Commandes à lancer sur chaque ordinateur Linux',
          ),
          h(
            'p',
            { class: 'muted small' },
            'Pour de nombreux ordinateurs, le plus simple est d’ajouter cette ligne à l’image ou au script d’installation. Le compte utilisé se règle dans ',
            h('a', { href: `#${deviceRoutes.settings}` }, 'Réglages des appareils'),
            '.',
          ),
        ]
      : h('p', { class: 'muted' }, 'La clé de Trousse n’est pas disponible pour le moment : rechargez la page dans quelques instants.'),
  );
}
