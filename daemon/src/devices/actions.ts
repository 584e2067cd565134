import { AppError, errorMessage } from '../core/errors.ts';
import type { Journal } from '../core/journal.ts';
import { PJLINK_KINDS, type ActionRequest, type ActionResult, type DeviceAction, type Room } from './model.ts';
import { describeInput, isValidInput, PjlinkError } from './pjlink/protocol.ts';
import { eachLimited, type Poller } from './poller.ts';
import type { DeviceTarget, Registry } from './registry.ts';
import type { DeviceSettings } from './settings.ts';
import type { ShutdownOutcome } from './shutdown.ts';
import { broadcastOf } from './validate.ts';
import { probeHost, sendMagicPackets } from './wol.ts';

/**
 * What a person (or a schedule) asks a device to do: projector commands over PJLink, waking PCs
 * with magic packets then checking they answer, shutting them down. Every outcome is one
 * ActionResult with a French message.
 */

export interface ActionsDeps {
  registry: Registry;
  poller: Poller;
  journal: Journal;
  settings(): DeviceSettings;
  wolPort: number;
  /** Shuts a PC down (Windows or Linux, chosen by its `os`). */
  shutdownPc(t: DeviceTarget, reboot: boolean): Promise<ShutdownOutcome>;
}

const PROJECTOR_ACTIONS: DeviceAction[] = ['power-on', 'power-off', 'input', 'mute', 'unmute'];

const POWER_WORDS = { on: 'allumé', off: 'en veille', cooling: 'en refroidissement', warming: 'en préchauffage' } as const;

export class Actions {
  readonly #d: ActionsDeps;

  constructor(deps: ActionsDeps) {
    this.#d = deps;
  }

  async run(id: number, req: ActionRequest, actor: string): Promise<ActionResult> {
    const t = this.#d.registry.target(id);
    const t0 = performance.now();
    const done = (ok: boolean, message: string): ActionResult => {
      const result = { deviceId: t.id, name: t.name, action: req.action, ok, message, ms: Math.round(performance.now() - t0) };
      this.#d.journal.record(ok ? 'info' : 'warn', 'devices', `devices.${req.action}`, `${t.name} : ${message} (${actor})`);
      return result;
    };
    if (PROJECTOR_ACTIONS.includes(req.action)) {
      if (!PJLINK_KINDS.includes(t.kind) || !t.pjlink.enabled) throw new AppError('ACTION_NOT_SUPPORTED', `« ${t.name} » ne se pilote pas en PJLink : cette action ne le concerne pas.`, 400);
      return this.#projector(t, req, done);
    }
    if (t.kind !== 'pc') throw new AppError('ACTION_NOT_SUPPORTED', `« ${t.name} » n’est pas un ordinateur de salle : on ne peut ni le réveiller ni l’éteindre d’ici.`, 400);
    if (req.action === 'wake') {
      const [r] = await this.wake([t]);
      return done(r?.ok ?? false, r?.message ?? '');
    }
    const outcome = await this.#shutdown(t, req.reboot === true);
    return done(outcome.ok, outcome.message);
  }

  async #projector(t: DeviceTarget, req: ActionRequest, done: (ok: boolean, message: string) => ActionResult): Promise<ActionResult> {
    try {
      const driver = this.#d.poller.driver(t);
      let message: string;
      switch (req.action) {
        case 'power-on':
          await driver.power(true);
          message = 'Allumage demandé (le préchauffage prend environ une minute).';
          break;
        case 'power-off':
          await driver.power(false);
          message = 'Mise en veille demandée (le refroidissement prend environ une minute).';
          break;
        case 'input': {
          const code = String(req.input ?? '').toUpperCase();
          if (!isValidInput(code, t.status.pjlinkClass ?? 2)) throw new AppError('INPUT_INVALID', `Entrée « ${req.input ?? ''} » inconnue : choisissez-en une de la liste.`, 400);
          await driver.input(code);
          message = `Entrée choisie : ${describeInput(code)}.`;
          break;
        }
        default: {
          const on = req.action === 'mute';
          const what = req.what ?? 'both';
          await driver.mute(on, what);
          const noun = what === 'video' ? 'Image' : what === 'audio' ? 'Son' : 'Image et son';
          message = `${noun} ${on ? 'coupé' : 'rétabli'}${what === 'audio' ? '' : what === 'video' ? 'e' : 's'}.`;
        }
      }
      // the console shows the new state at once
      void this.#d.poller.check(this.#d.registry.target(t.id)).catch(() => {});
      return done(true, message);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const state = t.status.power ? ` (il est ${POWER_WORDS[t.status.power]})` : '';
      const message = err instanceof PjlinkError ? (err.code === 'ERR3' ? `${err.message}${state}` : err.message) : `Erreur inattendue : ${errorMessage(err)}`;
      return done(false, message);
    }
  }

  async #shutdown(t: DeviceTarget, reboot: boolean): Promise<ShutdownOutcome> {
    if (!t.host) return { ok: false, message: 'Pas d’adresse IP ni de nom : renseignez-les dans la fiche du poste.' };
    if (!t.os) return { ok: false, message: 'Système inconnu : indiquez Windows ou Linux dans la fiche du poste.' };
    try {
      return await this.#d.shutdownPc(t, reboot);
    } catch (err) {
      return { ok: false, message: err instanceof AppError ? err.message : `Erreur inattendue : ${errorMessage(err)}` };
    }
  }

  /**
   * Wakes PCs: packets to each one's room broadcast, then each is probed until it answers or
   * `wakeCheckSeconds` pass. Results in the order given.
   */
  async wake(pcs: DeviceTarget[]): Promise<{ id: number; ok: boolean; message: string }[]> {
    const s = this.#d.settings();
    const rooms = new Map<number, Room>(this.#d.registry.rooms().map((r) => [r.id, r]));
    const already = new Map<number, boolean>();
    await Promise.all(pcs.map(async (t) => already.set(t.id, t.host ? await probeHost(t.host, undefined, 800) : false)));
    const toWake = pcs.filter((t) => t.mac && !already.get(t.id));
    const broadcastFor = (t: DeviceTarget) => {
      const subnet = t.roomId !== null ? rooms.get(t.roomId)?.subnet : null;
      return subnet ? broadcastOf(subnet) : '255.255.255.255';
    };
    let sendError: string | null = null;
    try {
      await sendMagicPackets(toWake.map((t) => ({ mac: t.mac ?? '', broadcast: broadcastFor(t) })), { port: this.#d.wolPort });
    } catch (err) {
      sendError = `Envoi du paquet de réveil impossible : ${errorMessage(err)}`;
    }
    const deadline = Date.now() + s.wakeCheckSeconds * 1000;
    return Promise.all(
      pcs.map(async (t) => {
        if (already.get(t.id)) return { id: t.id, ok: true, message: 'Déjà allumé.' };
        if (!t.mac) return { id: t.id, ok: false, message: 'Pas d’adresse MAC : renseignez-la dans la fiche du poste pour pouvoir le réveiller.' };
        if (sendError) return { id: t.id, ok: false, message: sendError };
        if (!t.host) return { id: t.id, ok: true, message: 'Paquet de réveil envoyé (sans adresse IP, Trousse ne peut pas vérifier qu’il s’allume).' };
        const t0 = Date.now();
        while (Date.now() < deadline) {
          if (await probeHost(t.host, undefined, Math.min(2000, Math.max(200, deadline - Date.now())))) {
            return { id: t.id, ok: true, message: `Allumé en ${Math.max(1, Math.round((Date.now() - t0) / 1000))} s.` };
          }
          await new Promise((r) => setTimeout(r, Math.min(3000, Math.max(0, deadline - Date.now()))));
        }
        return {
          id: t.id,
          ok: false,
          message: `Ne répond pas après ${s.wakeCheckSeconds} s : vérifiez qu’il est branché et que le réveil par le réseau (Wake-on-LAN) est activé dans son BIOS.`,
        };
      }),
    );
  }

  /** Several devices, one action, bounded concurrency; per-device results. */
  async many(ids: number[], action: DeviceAction, actor: string): Promise<ActionResult[]> {
    if (action === 'wake') {
      const targets = this.#d.registry.targets(ids);
      const t0 = performance.now();
      const results = await this.wake(targets);
      return results.map((r) => {
        const t = targets.find((x) => x.id === r.id);
        this.#d.journal.record(r.ok ? 'info' : 'warn', 'devices', 'devices.wake', `${t?.name ?? r.id} : ${r.message} (${actor})`);
        return { deviceId: r.id, name: t?.name ?? '', action, ok: r.ok, message: r.message, ms: Math.round(performance.now() - t0) };
      });
    }
    const out = new Map<number, ActionResult>();
    await eachLimited(ids, 8, async (id) => {
      try {
        out.set(id, await this.run(id, { action }, actor));
      } catch (err) {
        out.set(id, { deviceId: id, name: '', action, ok: false, message: errorMessage(err), ms: 0 });
      }
    });
    return ids.map((id) => out.get(id) as ActionResult);
  }
}
