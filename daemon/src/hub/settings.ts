import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import type { Db } from '../db/index.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

/**
 * Where reports go: the departmental hub (`url`, bearer token, optional client certificate and CA)
 * and the département's GLPI (`glpiUrl`). Addresses are settings (key `hub`); the token, the client
 * key and certificate are files in <dataDir>/secrets (0600), never returned by the API or logged.
 */
export interface HubSettings {
  /** Base URL of the hub; reports are POSTed to <url>/reports. null: no delivery to the hub. */
  url: string | null;
  /** The département's GLPI (its base URL or its /front/inventory.php). null: no relay. */
  glpiUrl: string | null;
  /** Daily report time, HH:MM (Europe/Paris). */
  dailyTime: string;
}

export interface HubSecretsView {
  hasToken: boolean;
  clientCertificate: { subject: string; validTo: string } | null;
  hasCa: boolean;
}

export interface HubConnection extends HubSettings {
  token: string | null;
  cert: string | null;
  key: string | null;
  ca: string | null;
}

export const hubSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: ['string', 'null'], maxLength: 500 },
    glpiUrl: { type: ['string', 'null'], maxLength: 500 },
    dailyTime: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
  },
} as const;

/** A default daily time between 01:00 and 04:59, spread by UAI so that a département's schools do not all call at once. */
export function defaultDailyTime(uai: string): string {
  let h = 0;
  for (const c of uai) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const minutes = 60 + (h % 240);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Refuses anything but an http(s) URL without credentials, query or fragment; returns it without a trailing slash. */
export function cleanUrl(value: string | null | undefined, what: string): string | null {
  const v = (value ?? '').trim();
  if (!v) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new AppError('HUB_URL_INVALID', `${what} n’est pas une adresse valide (exemple : https://hub.departement.fr/api/trousse/v1).`, 400);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AppError('HUB_URL_INVALID', `${what} doit commencer par https:// (ou http:// sur le réseau local).`, 400);
  if (u.username || u.password) throw new AppError('HUB_URL_INVALID', `${what} ne doit pas contenir d’identifiant ni de mot de passe : le jeton se saisit à part.`, 400);
  if (u.search || u.hash) throw new AppError('HUB_URL_INVALID', `${what} ne doit pas contenir de « ? » ni de « # ».`, 400);
  return u.toString().replace(/\/+$/, '');
}

export class HubSettingsStore {
  readonly #db: Db;
  readonly #dir: string;
  readonly #uai: string;

  constructor(db: Db, dataDir: string, uai: string) {
    this.#db = db;
    this.#dir = join(dataDir, 'secrets');
    this.#uai = uai;
  }

  #file(name: 'token' | 'cert' | 'key' | 'ca'): string {
    return join(this.#dir, { token: 'hub.token', cert: 'hub-client.crt', key: 'hub-client.key', ca: 'hub-ca.crt' }[name]);
  }

  #read(name: 'token' | 'cert' | 'key' | 'ca'): string | null {
    const f = this.#file(name);
    return existsSync(f) ? readFileSync(f, 'utf8') : null;
  }

  #write(name: 'token' | 'cert' | 'key' | 'ca', value: string | null): void {
    const f = this.#file(name);
    if (value === null) {
      rmSync(f, { force: true });
      return;
    }
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    writeFileSync(f, value, { mode: 0o600 });
    chmodSync(f, 0o600);
  }

  settings(): HubSettings {
    const s = readSetting(this.#db, 'hub') as Partial<HubSettings> | undefined;
    return { url: s?.url ?? null, glpiUrl: s?.glpiUrl ?? null, dailyTime: s?.dailyTime ?? defaultDailyTime(this.#uai) };
  }

  update(patch: Partial<HubSettings>): HubSettings {
    const cur = this.settings();
    const next: HubSettings = {
      url: patch.url !== undefined ? cleanUrl(patch.url, 'L’adresse du hub') : cur.url,
      glpiUrl: patch.glpiUrl !== undefined ? cleanUrl(patch.glpiUrl, 'L’adresse du GLPI') : cur.glpiUrl,
      dailyTime: patch.dailyTime ?? cur.dailyTime,
    };
    writeSetting(this.#db, 'hub', next);
    return next;
  }

  connection(): HubConnection {
    return { ...this.settings(), token: this.#read('token')?.trim() || null, cert: this.#read('cert'), key: this.#read('key'), ca: this.#read('ca') };
  }

  secrets(): HubSecretsView {
    const cert = this.#read('cert');
    let clientCertificate: HubSecretsView['clientCertificate'] = null;
    if (cert) {
      try {
        const x = new X509Certificate(cert);
        clientCertificate = { subject: x.subject.replace(/\n/g, ', '), validTo: new Date(x.validTo).toISOString() };
      } catch {
        clientCertificate = { subject: '(illisible)', validTo: '' };
      }
    }
    return { hasToken: this.#read('token') !== null, clientCertificate, hasCa: this.#read('ca') !== null };
  }

  /** Sets (string) or removes (null) the token; undefined leaves it. */
  setSecrets(input: { token?: string | null; cert?: string | null; key?: string | null; ca?: string | null }): HubSecretsView {
    if (input.token !== undefined) {
      const t = input.token?.trim() ?? null;
      if (t !== null && !/^[\x21-\x7e]{8,4096}$/.test(t)) throw new AppError('HUB_TOKEN_INVALID', 'Le jeton doit faire au moins 8 caractères, sans espace ni accent : recopiez-le tel que le service départemental l’a donné.', 400);
      this.#write('token', t || null);
    }
    if (input.cert !== undefined || input.key !== undefined) {
      const cert = input.cert === undefined ? this.#read('cert') : input.cert;
      const key = input.key === undefined ? this.#read('key') : input.key;
      if (cert && key) {
        let x: X509Certificate;
        try {
          x = new X509Certificate(cert);
        } catch {
          throw new AppError('HUB_CERT_INVALID', 'Le certificat client n’est pas un certificat PEM lisible (« -----BEGIN CERTIFICATE----- »).', 400);
        }
        let pk: ReturnType<typeof createPrivateKey>;
        try {
          pk = createPrivateKey(key);
        } catch {
          throw new AppError('HUB_CERT_INVALID', 'La clé privée n’est pas une clé PEM lisible sans mot de passe (« -----BEGIN PRIVATE KEY----- »).', 400);
        }
        if (!x.checkPrivateKey(pk)) throw new AppError('HUB_CERT_INVALID', 'La clé privée ne correspond pas au certificat client.', 400);
      } else if (cert || key) {
        if (input.cert === null || input.key === null) {
          // removing one removes both
          this.#write('cert', null);
          this.#write('key', null);
          return this.secrets();
        }
        throw new AppError('HUB_CERT_INVALID', 'Il faut le certificat client et sa clé privée, ensemble.', 400);
      }
      this.#write('cert', cert ?? null);
      this.#write('key', key ?? null);
    }
    if (input.ca !== undefined) {
      if (input.ca) {
        try {
          new X509Certificate(input.ca);
        } catch {
          throw new AppError('HUB_CERT_INVALID', 'Le certificat de l’autorité n’est pas un certificat PEM lisible.', 400);
        }
      }
      this.#write('ca', input.ca || null);
    }
    return this.secrets();
  }
}
