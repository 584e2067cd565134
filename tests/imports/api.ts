// Test helpers for imports: drive a run through the HTTP API like the console does.
import type { TrousseApp } from '../../daemon/src/app.ts';
import type { ImportRunView } from '../../daemon/src/imports/service.ts';
import type { DiffAction, DiffItem } from '../../daemon/src/imports/model.ts';
import type { Session } from '../helpers.ts';

export interface Api {
  create(mode: 'update' | 'rollover'): Promise<ImportRunView>;
  upload(id: number, name: string, body: Buffer): Promise<{ status: number; json: Record<string, unknown> }>;
  analyse(id: number): Promise<ImportRunView>;
  items(id: number, action?: DiffAction, q?: string): Promise<{ total: number; items: DiffItem[] }>;
  resolve(id: number, key: string, login: string | null): Promise<{ status: number; json: Record<string, unknown> }>;
  apply(id: number, body?: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Applies and waits until the run has settled. */
  applyAndWait(id: number, body?: Record<string, unknown>): Promise<ImportRunView>;
  get(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
  post(path: string, payload: unknown): Promise<{ status: number; raw: Buffer; headers: Record<string, unknown> }>;
}

export function importApi(app: TrousseApp, s: Session): Api {
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const json = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const r = await app.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: r.statusCode, json: (r.body ? r.json() : {}) as Record<string, unknown> };
  };
  const ok = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> => {
    const r = await json(method, url, payload);
    if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json as T;
  };
  const api: Api = {
    create: (mode) => ok('POST', '/imports', { mode }),
    async upload(id, name, body) {
      const r = await app.app.inject({
        method: 'POST',
        url: `/api/v1/imports/${id}/files?name=${encodeURIComponent(name)}`,
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        payload: body,
      });
      return { status: r.statusCode, json: r.json() as Record<string, unknown> };
    },
    analyse: (id) => ok('POST', `/imports/${id}/analyse`),
    items: (id, action, q) => {
      const p = new URLSearchParams({ pageSize: '200' });
      if (action) p.set('action', action);
      if (q) p.set('q', q);
      return ok('GET', `/imports/${id}/items?${p}`);
    },
    resolve: (id, key, login) => json('POST', `/imports/${id}/resolve`, { key, login }),
    apply: (id, body = { confirm: true }) => json('POST', `/imports/${id}/apply`, body),
    async applyAndWait(id, body = { confirm: true }) {
      const r = await api.apply(id, body);
      if (r.status !== 202) throw new Error(`apply ${id}: ${r.status} ${JSON.stringify(r.json)}`);
      return app.imports.settled(id);
    },
    async get(path) {
      const r = await app.app.inject({ method: 'GET', url: `/api/v1${path}`, headers });
      return { status: r.statusCode, body: r.body, headers: r.headers };
    },
    async post(path, payload) {
      const r = await app.app.inject({ method: 'POST', url: `/api/v1${path}`, headers, payload: payload as object });
      return { status: r.statusCode, raw: r.rawPayload, headers: r.headers };
    },
  };
  return api;
}

/** Rows of a `;` CSV with a header (BOM removed), as objects. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.length > 0);
  const head = (lines.shift() ?? '').split(';');
  return lines.map((l) => Object.fromEntries(l.split(';').map((v, i) => [head[i] as string, v.replace(/^"|"$/g, '')])));
}
