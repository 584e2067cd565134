import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorMessage, isAppError } from '../../core/errors.ts';
import { TROUSSE_VERSION } from '../../version.ts';
import type { InventoryService } from '../service.ts';
import { type Compression, decodeAgentBody, encodeAgentReply } from './body.ts';
import { errorReply, fusionToGlpiJson, inventoryReply, parseFusionRequest, prologReply } from './fusion-xml.ts';

/**
 * GLPI's agent endpoint, served by the daemon at GLPI's own path (/front/inventory.php) and at the
 * legacy FusionInventory plugin's, so that a département's agent configuration only changes the
 * host name. JSON protocol (glpi-agent: CONTACT, then inventory; GLPI-Agent-ID) and legacy XML
 * (FusionInventory: PROLOG, then INVENTORY); plain, zlib, gzip, deflate or brotli bodies; the reply
 * is compressed like the request (formats.md §2.4).
 *
 * Agents do not log in: only the school's networks may post, bodies are bounded before and after
 * decompression, XML DOCTYPEs are refused, a few inventories are processed at a time.
 */

export interface AgentEndpointOptions {
  inventory: InventoryService;
  /** Networks allowed to post inventories (CIDR). */
  networks: string[];
  /** Compressed body limit and decompressed limit, bytes. */
  maxBodyBytes: number;
  maxInventoryBytes: number;
  /** Inventories processed at once; more wait, up to `queue`, then 503. */
  concurrency: number;
  queue: number;
}

export const AGENT_PATHS = ['/front/inventory.php', '/plugins/fusioninventory/', '/plugins/glpiinventory/'];
const FREQUENCY_HOURS = 24;

export function networkList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/') as [string, string | undefined];
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (!isIPv4(addr) && !isIPv6(addr)) throw new AppError('CONFIG_INVALID', `inventory.agentNetworks : « ${c} » n’est pas un réseau (exemple : 10.0.0.0/8).`);
    list.addSubnet(addr, Number(bits ?? (type === 'ipv4' ? 32 : 128)), type);
  }
  return list;
}

function allowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return list.check(mapped[1] as string, 'ipv4');
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

class Gate {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  readonly limit: number;
  readonly queue: number;
  constructor(limit: number, queue: number) {
    this.limit = limit;
    this.queue = queue;
  }
  async enter(): Promise<boolean> {
    if (this.#active < this.limit) {
      this.#active++;
      return true;
    }
    if (this.#waiting.length >= this.queue) return false;
    await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    return true;
  }
  leave(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }
}

interface AgentState {
  compression: Compression;
  format: 'json' | 'xml';
}

async function send(reply: FastifyReply, state: AgentState, status: number, text: string): Promise<FastifyReply> {
  const { body, contentType } = await encodeAgentReply(text, state.compression, state.format);
  return reply.code(status).header('content-type', contentType).header('cache-control', 'no-store').send(body);
}

function errorText(format: 'json' | 'xml', message: string): string {
  return format === 'xml' ? errorReply(message) : JSON.stringify({ status: 'error', message, expiration: FREQUENCY_HOURS });
}

export async function agentEndpoint(app: FastifyInstance, opts: AgentEndpointOptions): Promise<void> {
  const list = networkList(opts.networks);
  const gate = new Gate(opts.concurrency, opts.queue);

  // this scope reads every body as bytes, whatever its declared type
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxBodyBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const state = ((req as unknown as { agentState?: AgentState }).agentState ?? { compression: 'none', format: 'json' }) as AgentState;
    let status = 500;
    let message = 'Erreur interne du serveur Trousse.';
    if (isAppError(err)) {
      status = err.statusCode;
      message = err.message;
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      message = `Inventaire refusé : plus de ${Math.round(opts.maxBodyBytes / 1024 / 1024)} Mo.`;
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      message = 'Requête refusée.';
    } else req.log.error({ err: errorMessage(err) }, 'agent endpoint failed');
    return send(reply, state, status, errorText(state.format, message));
  });

  // before the body is read: only the school's networks may post
  app.addHook('onRequest', async (req) => {
    if (!allowed(list, req.ip)) {
      throw new AppError('AGENT_NETWORK_REFUSED', `Inventaire refusé : l’adresse ${req.ip} n’est pas sur un réseau de l’établissement (inventory.agentNetworks).`, 403);
    }
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const state: AgentState = { compression: 'none', format: 'json' };
    (req as unknown as { agentState: AgentState }).agentState = state;
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw new AppError('INVENTORY_EMPTY', 'Requête vide : un inventaire (JSON ou XML) est attendu.', 400);
    if (!(await gate.enter())) {
      reply.header('retry-after', '60');
      throw new AppError('AGENT_BUSY', 'Le serveur reçoit beaucoup d’inventaires en ce moment : réessayez dans une minute.', 503);
    }
    try {
      const decoded = await decodeAgentBody(raw, req.headers['content-type'], { maxBytes: opts.maxInventoryBytes });
      state.compression = decoded.compression;
      state.format = decoded.format;
      const address = req.ip;
      if (decoded.format === 'xml') {
        const r = parseFusionRequest(decoded.text);
        if (r.query === 'PROLOG') return await send(reply, state, 200, prologReply(FREQUENCY_HOURS));
        if (r.query !== 'INVENTORY') throw new AppError('AGENT_UNKNOWN_QUERY', `Requête « ${r.query.slice(0, 40)} » non prise en charge par Trousse (seuls PROLOG et INVENTORY le sont).`, 400);
        if (!r.content) throw new AppError('INVENTORY_EMPTY', 'Inventaire sans section CONTENT.', 400);
        opts.inventory.receiveAgent(fusionToGlpiJson(r) as unknown as Record<string, unknown>, { protocol: 'xml', address, agentUuid: null, raw: decoded.text });
        return await send(reply, state, 200, inventoryReply());
      }
      let json: unknown;
      try {
        json = JSON.parse(decoded.text);
      } catch (err) {
        throw new AppError('INVENTORY_BAD_JSON', `JSON invalide : ${errorMessage(err).slice(0, 200)}`, 400);
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) throw new AppError('INVENTORY_BAD_JSON', 'Un objet JSON est attendu.', 400);
      const body = json as Record<string, unknown>;
      const agentId = req.headers['glpi-agent-id'];
      if (typeof agentId !== 'string' || !/^[0-9a-f-]{8,64}$/i.test(agentId)) {
        throw new AppError('AGENT_ID_MISSING', 'En-tête GLPI-Agent-ID absent ou invalide : il est obligatoire avec le protocole JSON.', 400);
      }
      const action = typeof body.action === 'string' ? body.action : 'inventory';
      if (action === 'contact') {
        return await send(reply, state, 200, JSON.stringify({ status: 'ok', expiration: FREQUENCY_HOURS, tasks: { inventory: { server: 'trousse', version: TROUSSE_VERSION } } }));
      }
      if (action !== 'inventory' && action !== 'netinventory') {
        throw new AppError('AGENT_UNKNOWN_ACTION', `Action « ${action.slice(0, 40)} » non prise en charge par Trousse (seuls contact, inventory et netinventory le sont).`, 400);
      }
      opts.inventory.receiveAgent(body, { protocol: 'json', address, agentUuid: agentId.toLowerCase(), raw: decoded.text });
      return await send(reply, state, 200, JSON.stringify({ status: 'ok', expiration: FREQUENCY_HOURS }));
    } finally {
      gate.leave();
    }
  };

  for (const url of AGENT_PATHS) {
    app.post(url, { schema: { hide: true } }, handler);
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      send(reply, { compression: 'none', format: 'json' }, 405, errorText('json', 'Envoyez les inventaires en POST (agent GLPI ou FusionInventory).')),
    );
  }
}
