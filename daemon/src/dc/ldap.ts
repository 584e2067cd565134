import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { Client, InvalidCredentialsError, type SearchOptions, type Entry } from 'ldapts';
import { AppError, errorMessage } from '../core/errors.ts';

export interface LdapOptions {
  url: string;
  /** File of the CA that signed the DC certificate (read at each new connection: it may appear late). */
  caFile: string;
  /** Name the DC's certificate is issued for (its FQDN): the connection checks it. */
  servername: string;
  /** The service account (the domain Administrator's UPN) and its password, read lazily from a file. */
  bindDn: string;
  password: () => string;
  timeoutMs: number;
}

/** Outcome of checking a person's directory password with an LDAP simple bind. */
export type BindOutcome =
  | 'ok'
  | 'invalid'
  | 'must-change'
  | 'expired'
  | 'disabled'
  | 'locked'
  | 'unavailable';

/** AD's "data XXX" sub-codes in a failed bind's diagnostic message. */
const AD_BIND_CODES: Record<string, BindOutcome> = {
  '52e': 'invalid',
  '525': 'invalid',
  '530': 'disabled',
  '531': 'disabled',
  '532': 'expired',
  '533': 'disabled',
  '701': 'expired',
  '773': 'must-change',
  '775': 'locked',
};

/**
 * The daemon's connection to the DC over LDAPS: one long-lived, service-bound client (the DC
 * queues few new connections and the TLS handshake dominates the cost, so it is reused),
 * TCP no-delay on, the DC's own CA trusted and its name checked.
 */
export class LdapConnection {
  readonly #opts: LdapOptions;
  #client: Client | null = null;
  #bound: Promise<Client> | null = null;

  constructor(opts: LdapOptions) {
    this.#opts = opts;
  }

  #newClient(): Client {
    const { url, caFile, servername, timeoutMs } = this.#opts;
    let ca: Buffer;
    try {
      ca = readFileSync(caFile);
    } catch {
      throw new AppError('DC_CA_MISSING', `Le certificat de l’autorité du contrôleur de domaine est introuvable (${caFile}).`, 503);
    }
    return new Client({
      url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      strictDN: false,
      tlsOptions: { ca: [ca], servername, minVersion: 'TLSv1.2' },
      createSecureConnection: ((...args: Parameters<typeof tls.connect>) => {
        const socket = tls.connect(...args);
        socket.setNoDelay(true);
        return socket;
      }) as typeof tls.connect,
    });
  }

  async #serviceClient(): Promise<Client> {
    this.#bound ??= (async () => {
      const client = this.#newClient();
      try {
        await client.bind(this.#opts.bindDn, this.#opts.password());
      } catch (err) {
        await client.unbind().catch(() => {});
        throw err;
      }
      this.#client = client;
      return client;
    })().catch((err: unknown) => {
      this.#bound = null;
      throw err;
    });
    return this.#bound;
  }

  /** Runs fn with the service-bound client; on a connection failure reconnects and retries once. */
  async withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.#serviceClient();
      try {
        return await fn(client);
      } catch (err) {
        if (attempt === 0 && isConnectionError(err)) {
          await this.reset();
          continue;
        }
        throw err;
      }
    }
  }

  async search(base: string, options: SearchOptions): Promise<Entry[]> {
    return this.withClient(async (c) => (await c.search(base, options)).searchEntries);
  }

  /** Reads the rootDSE: the cheapest proof that the DC answers over LDAPS with our credentials. */
  async ping(): Promise<Entry | undefined> {
    const entries = await this.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['dnsHostName', 'defaultNamingContext'] });
    return entries[0];
  }

  /** Checks a person's password with a simple bind on a separate, short-lived connection. */
  async checkPassword(userPrincipalName: string, password: string): Promise<BindOutcome> {
    if (!password) return 'invalid';
    let client: Client;
    try {
      client = this.#newClient();
    } catch {
      return 'unavailable';
    }
    try {
      await client.bind(userPrincipalName, password);
      return 'ok';
    } catch (err) {
      if (err instanceof InvalidCredentialsError) {
        const code = /data ([0-9a-f]{3})/i.exec(err.message)?.[1]?.toLowerCase();
        return (code && AD_BIND_CODES[code]) || 'invalid';
      }
      return isConnectionError(err) ? 'unavailable' : 'invalid';
    } finally {
      await client.unbind().catch(() => {});
    }
  }

  async reset(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#bound = null;
    await client?.unbind().catch(() => {});
  }

  close(): Promise<void> {
    return this.reset();
  }
}

export function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'ERR_SOCKET_CLOSED'].includes(code)) return true;
  return /connection|socket|closed|timeout|ECONN/i.test(errorMessage(err));
}
