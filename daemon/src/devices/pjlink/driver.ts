/**
 * `PjlinkDriver`: what the poller and the actions need, over one transport (whose queue
 * serialises polling and actions on the device's single connection).
 *
 * - `status()` reads power, input, mute, errors, lamps and (class 2) filter; with `identity` also
 *   class, name, manufacturer, model, other info, inputs and (class 2) serial, software version,
 *   lamp and filter part numbers. The class is read once (CLSS, quirks tolerated) and cached; it
 *   decides whether `%2` commands are sent at all.
 * - An error *reply* (ERR1..ERR4) to a query leaves that field empty (LAMP ERR1 = laser/LED → no
 *   lamps, FILT ERR1 → no filter, INPT/AVMT ERR3 in standby) and is listed in `refused`; a
 *   transport failure (TIMEOUT, UNREACHABLE, AUTH...) fails the whole status.
 * - Actions throw a PjlinkError whose code is the ERRn the projector answered.
 */
import type { DeviceErrors, PowerState } from '../model.ts';
import {
  isValidInput,
  PjlinkError,
  type PjlinkClass,
  parseClass,
  parseErrors,
  parseFilter,
  parseInput,
  parseInputList,
  parseLamps,
  parseList,
  parseMute,
  parsePower,
  type Reply,
  type ReplyErrorCode,
} from './protocol.ts';
import { type PjlinkSender, type PjlinkTarget, PjlinkTransport, type PjlinkTransportOptions } from './transport.ts';

export interface PjlinkStatus {
  power: PowerState | null;
  input: string | null;
  mute: { video: boolean; audio: boolean } | null;
  lamps: { hours: number; on: boolean }[];
  filterHours: number | null;
  errors: DeviceErrors | null;
  /** Queries the projector answered with an error code, e.g. `{ LAMP: 'ERR1' }`. */
  refused: Record<string, ReplyErrorCode>;
  // Identity: undefined unless `status({ identity: true })`.
  pjlinkClass?: PjlinkClass;
  name?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  info?: string | null;
  serial?: string | null;
  softwareVersion?: string | null;
  inputs?: string[];
  lampModels?: string[];
  filterModels?: string[];
}

export type MuteTarget = 'video' | 'audio' | 'both';

export interface PjlinkDriverOptions extends PjlinkTransportOptions {
  /** The class read earlier (stored with the device): spares the CLSS query. */
  pjlinkClass?: PjlinkClass | null;
}

const MUTE_DIGIT: Record<MuteTarget, string> = { video: '1', audio: '2', both: '3' };

function isSender(x: PjlinkSender | PjlinkTarget): x is PjlinkSender {
  return typeof (x as PjlinkSender).send === 'function';
}

/** A value, or null (with `refused` noted) when the projector answered an error code. */
type Answer = { value: string } | { error: ReplyErrorCode };

export class PjlinkDriver {
  readonly transport: PjlinkSender;
  #cls: PjlinkClass | null;

  constructor(target: PjlinkSender | PjlinkTarget, opts: PjlinkDriverOptions = {}) {
    this.transport = isSender(target) ? target : new PjlinkTransport(target, opts);
    this.#cls = opts.pjlinkClass ?? null;
  }

  /** The cached class, if known. */
  get pjlinkClass(): PjlinkClass | null {
    return this.#cls;
  }

  async #ask(cls: PjlinkClass, body: string, param = '?'): Promise<Answer> {
    const reply: Reply = await this.transport.send(cls, body, param);
    if ('erra' in reply) throw new PjlinkError('AUTH');
    return 'error' in reply ? { error: reply.error } : { value: reply.value };
  }

  /** Reads CLSS once (an unreadable answer counts as class 1, the safe choice). */
  async pjlinkClassOf(refresh = false): Promise<PjlinkClass> {
    if (this.#cls !== null && !refresh) return this.#cls;
    const a = await this.#ask(1, 'CLSS');
    this.#cls = ('value' in a ? parseClass(a.value) : null) ?? 1;
    return this.#cls;
  }

  async status(opts: { identity?: boolean } = {}): Promise<PjlinkStatus> {
    const identity = opts.identity === true;
    const cls = await this.pjlinkClassOf(identity);
    const refused: Record<string, ReplyErrorCode> = {};
    const ask = async <T>(c: PjlinkClass, body: string, parse: (v: string) => T): Promise<T | null> => {
      const a = await this.#ask(c, body);
      if ('error' in a) {
        refused[body] = a.error;
        return null;
      }
      return parse(a.value);
    };
    const text = (v: string): string | null => (v.trim() === '' ? null : v.trim());
    // One at a time: the transport serialises anyway, and a failure stops the poll early.
    const power = await ask(1, 'POWR', parsePower);
    const input = await ask(cls, 'INPT', parseInput);
    const mute = await ask(1, 'AVMT', parseMute);
    const errors = await ask(1, 'ERST', parseErrors);
    const lamps = (await ask(1, 'LAMP', parseLamps)) ?? [];
    const filterHours = cls === 2 ? await ask(2, 'FILT', parseFilter) : null;
    const status: PjlinkStatus = { power, input, mute, lamps, filterHours, errors, refused };
    if (!identity) return status;
    status.pjlinkClass = cls;
    status.name = await ask(1, 'NAME', text);
    status.manufacturer = await ask(1, 'INF1', text);
    status.model = await ask(1, 'INF2', text);
    status.info = await ask(1, 'INFO', text);
    status.inputs = (await ask(cls, 'INST', parseInputList)) ?? [];
    if (cls === 2) {
      status.serial = await ask(2, 'SNUM', text);
      status.softwareVersion = await ask(2, 'SVER', text);
      status.lampModels = (await ask(2, 'RLMP', parseList)) ?? [];
      status.filterModels = (await ask(2, 'RFIL', parseList)) ?? [];
    } else {
      status.serial = null;
      status.softwareVersion = null;
      status.lampModels = [];
      status.filterModels = [];
    }
    return status;
  }

  /** A set command: any non-error reply is success (OK, or an echo on lenient firmwares). */
  async #set(cls: PjlinkClass, body: string, param: string): Promise<void> {
    const a = await this.#ask(cls, body, param);
    if ('error' in a) throw new PjlinkError(a.error);
  }

  async #requireClass2(what: string): Promise<void> {
    if ((await this.pjlinkClassOf()) !== 2) {
      throw new PjlinkError('ERR1', `${what} : fonction réservée aux projecteurs PJLink classe 2.`);
    }
  }

  power(on: boolean): Promise<void> {
    return this.#set(1, 'POWR', on ? '1' : '0');
  }

  /** Selects an input ("31", class 2 also "3A", "61"...). */
  async input(code: string): Promise<void> {
    const c = typeof code === 'string' ? code.trim().toUpperCase() : '';
    if (isValidInput(c, 1)) return this.#set(this.#cls === 2 ? 2 : 1, 'INPT', c);
    if (!isValidInput(c, 2)) throw new PjlinkError('INVALID', `Entrée PJLink invalide : « ${String(code)} ».`);
    await this.#requireClass2(`Entrée ${c}`);
    return this.#set(2, 'INPT', c);
  }

  mute(on: boolean, what: MuteTarget = 'both'): Promise<void> {
    const digit = MUTE_DIGIT[what];
    if (!digit) return Promise.reject(new PjlinkError('INVALID', `Sourdine invalide : « ${String(what)} ».`));
    return this.#set(1, 'AVMT', digit + (on ? '1' : '0'));
  }

  async freeze(on: boolean): Promise<void> {
    await this.#requireClass2('Gel de l’image');
    return this.#set(2, 'FREZ', on ? '1' : '0');
  }

  /** One step of speaker volume up or down. */
  async volume(up: boolean): Promise<void> {
    await this.#requireClass2('Volume');
    return this.#set(2, 'SVOL', up ? '1' : '0');
  }

  close(): void {
    this.transport.close();
  }
}
