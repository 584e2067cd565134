// The « Actions » card of a device's page: projectors (allumer, éteindre, entrée, image et son) and
// PCs (réveiller, éteindre, redémarrer), each result shown under the buttons.
import type { ActionRequest, Device } from '../../devices-types.ts';
import { h } from '../../dom.ts';
import type { PageContext } from '../../router.ts';
import { card } from '../../widgets/card.ts';
import { confirmDialog } from '../../widgets/dialog.ts';
import { selectField, withBusy } from '../../widgets/fields.ts';
import { deviceAction, failureView, inputLabel, isPjlink, resultsView } from './common.ts';

interface ActionsCard {
  element: HTMLElement;
  /** A new status arrived (socket or « Vérifier maintenant »): refresh the inputs and mute labels. */
  update(device: Device): void;
}

export function actionsCard(ctx: PageContext, initial: Device, onDone: () => void): ActionsCard {
  let device = initial;
  const results = h('div', { class: 'device-results-slot', 'data-testid': 'action-results', 'aria-live': 'polite' });
  const buttons: HTMLButtonElement[] = [];

  /** Runs an action with its button busy and the other buttons disabled; shows the result. */
  const run = async (button: HTMLButtonElement, busyLabel: string, heading: string, body: ActionRequest) => {
    const others = buttons.filter((b) => b !== button);
    for (const other of others) other.disabled = true;
    try {
      const result = await withBusy(button, busyLabel, () => deviceAction(device, body));
      results.replaceChildren(resultsView([result], heading));
      onDone();
    } catch (error) {
      if (!ctx.signal.aborted) results.replaceChildren(failureView(error, heading));
    } finally {
      for (const other of others) other.disabled = false;
    }
  };
  const button = (label: string, testId: string, tone = '') => {
    const b = h('button', { type: 'button', class: `button ${tone}`.trim(), 'data-testid': testId }, label);
    buttons.push(b);
    return b;
  };
  /** Confirmation first, then the action (its result shown in the card, not in the dialog). */
  const confirmThen = (title: string, content: Node[], confirmLabel: string, go: () => void) =>
    confirmDialog({
      title,
      testId: 'device-action-confirm',
      signal: ctx.signal,
      danger: true,
      content,
      confirmLabel,
      busyLabel: 'Envoi…',
      action: async () => undefined,
      onSuccess: go,
    });

  let update: (next: Device) => void = (next) => {
    device = next;
  };
  let content: (Node | null)[];

  if (isPjlink(device)) {
    const usable = device.pjlink.enabled && Boolean(device.host);
    const on = button('Allumer', 'device-power-on', 'button-primary');
    const off = button('Éteindre', 'device-power-off');
    on.addEventListener('click', () => void run(on, 'Allumage…', 'Allumer', { action: 'power-on' }));
    off.addEventListener('click', () =>
      confirmThen(
        'Éteindre le vidéoprojecteur pendant un cours ?',
        [
          h('p', null, `« ${device.name} » va s’éteindre : l’image disparaît pour toute la salle.`),
          h('p', { class: 'muted' }, 'Il faut ensuite attendre son refroidissement (une à deux minutes) avant de pouvoir le rallumer.'),
        ],
        'Éteindre',
        () => void run(off, 'Extinction…', 'Éteindre', { action: 'power-off' }),
      ),
    );

    const inputOptions = (d: Device) =>
      d.status.inputs.length
        ? d.status.inputs.map((code) => ({ value: code, label: inputLabel(code) }))
        : [{ value: '', label: 'Entrées inconnues : vérifiez d’abord l’appareil' }];
    const input = selectField({ label: 'Entrée', name: 'input', value: device.status.input ?? '', options: inputOptions(device), testId: 'device-input-select' });
    const choose = button('Choisir cette entrée', 'device-input-apply');
    choose.addEventListener('click', () => {
      if (!input.control.value) return;
      void run(choose, 'Changement d’entrée…', `Entrée ${inputLabel(input.control.value)}`, { action: 'input', input: input.control.value });
    });
    const mute = button('Couper l’image et le son', 'device-mute');
    const unmute = button('Rétablir l’image et le son', 'device-unmute');
    mute.addEventListener('click', () => void run(mute, 'Coupure…', 'Couper l’image et le son', { action: 'mute', what: 'both' }));
    unmute.addEventListener('click', () => void run(unmute, 'Rétablissement…', 'Rétablir l’image et le son', { action: 'unmute', what: 'both' }));
    const refreshInputs = (d: Device) => {
      input.setOptions(inputOptions(d), d.status.input ?? undefined);
      choose.disabled = d.status.inputs.length === 0;
    };
    refreshInputs(device);
    let known = device.status.inputs.join(',');
    update = (next) => {
      device = next;
      const inputs = next.status.inputs.join(',');
      // Only when the list changed: never change the choice under the user's finger.
      if (inputs !== known) {
        known = inputs;
        refreshInputs(next);
      }
    };

    content = [
      usable
        ? null
        : h(
            'p',
            { class: 'alert alert-warning', 'data-testid': 'device-not-controllable' },
            device.host
              ? 'Le pilotage par le réseau (PJLink) est désactivé pour cet appareil : cliquez sur « Modifier » pour l’activer.'
              : 'Cet appareil n’a pas d’adresse IP : indiquez-la avec « Modifier » pour pouvoir le piloter.',
          ),
      h('div', { class: 'actions-row' }, on, off),
      h('div', { class: 'device-input-row' }, input.element, choose),
      h('div', { class: 'actions-row' }, mute, unmute),
    ];
  } else if (device.kind === 'pc') {
    const wake = button('Réveiller', 'device-wake', 'button-primary');
    const shutdown = button('Éteindre', 'device-shutdown');
    const reboot = button('Redémarrer', 'device-reboot');
    wake.addEventListener('click', () => void run(wake, 'Réveil…', 'Réveiller', { action: 'wake' }));
    shutdown.addEventListener('click', () =>
      confirmThen(
        `Éteindre « ${device.name} » ?`,
        [h('p', null, 'Si quelqu’un l’utilise, il perdra ce qui n’est pas enregistré.')],
        'Éteindre',
        () => void run(shutdown, 'Extinction…', 'Éteindre', { action: 'shutdown' }),
      ),
    );
    reboot.addEventListener('click', () =>
      confirmThen(
        `Redémarrer « ${device.name} » ?`,
        [h('p', null, 'Si quelqu’un l’utilise, il perdra ce qui n’est pas enregistré.')],
        'Redémarrer',
        () => void run(reboot, 'Redémarrage…', 'Redémarrer', { action: 'shutdown', reboot: true }),
      ),
    );
    const hints: string[] = [];
    if (!device.mac) hints.push('Sans adresse MAC, Trousse ne peut pas le réveiller : indiquez-la avec « Modifier ».');
    if (!device.os) hints.push('Indiquez son système (Windows ou Linux) avec « Modifier » pour pouvoir l’éteindre à distance.');
    if (!device.host) hints.push('Sans adresse IP ni nom sur le réseau, Trousse ne peut pas l’éteindre.');
    content = [
      h('div', { class: 'actions-row' }, wake, shutdown, reboot),
      hints.length ? h('ul', { class: 'device-hints muted small' }, hints.map((text) => h('li', null, text))) : null,
    ];
  } else {
    content = [h('p', { class: 'muted' }, 'Trousse ne pilote pas ce type d’appareil à distance : il est seulement inventorié.')];
  }

  return {
    element: card({ title: 'Actions', icon: 'settings', testId: 'device-actions' }, ...content, results),
    update: (next) => update(next),
  };
}
