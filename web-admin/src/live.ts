// Live system state: first loaded over REST, then kept up to date by socket.io.
import { io } from 'socket.io-client';
import { ApiError, api, errorMessage } from './api.ts';
import type { AppEvent, SystemStatus } from './types.ts';

export type ConnectionState = 'connecting' | 'live' | 'lost';

export interface LiveState {
  status: SystemStatus | null;
  events: AppEvent[];
  connection: ConnectionState;
  /** French message when the initial load failed and nothing is known yet. */
  loadError: string | null;
}

export interface Live {
  get(): LiveState;
  /** Calls listener on every change; stops when `signal` aborts. */
  subscribe(listener: (state: LiveState) => void, signal?: AbortSignal): () => void;
  reload(): Promise<void>;
  /**
   * Listens to a server socket event (e.g. "import.progress"), payload as sent; stops when
   * `signal` aborts or the returned function is called.
   */
  on(event: string, listener: (payload: unknown) => void, signal?: AbortSignal): () => void;
  close(): void;
}

const MAX_EVENTS = 20;
const RETRY_DELAY_MS = 5000;
const AUTH_ERRORS = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED']);

/** `onUnauthenticated` receives "UNAUTHENTICATED" or "SESSION_EXPIRED". */
export function startLive(onUnauthenticated: (code: string) => void): Live {
  let state: LiveState = { status: null, events: [], connection: 'connecting', loadError: null };
  let statusFromSocket = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<(state: LiveState) => void>();

  const update = (patch: Partial<LiveState>) => {
    if (closed) return;
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  };

  const socket = io({
    path: '/socket.io',
    withCredentials: true,
    transports: ['websocket', 'polling'],
  });

  const retryLater = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (!closed && !socket.connected) socket.connect();
    }, RETRY_DELAY_MS);
  };

  socket.on('connect', () => update({ connection: 'live' }));
  socket.on('disconnect', (reason) => {
    update({ connection: 'lost' });
    // The server closed the socket on purpose: try again, the handshake will
    // tell us if the session is gone.
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', (error) => {
    if (AUTH_ERRORS.has(error.message)) {
      live.close();
      onUnauthenticated(error.message);
      return;
    }
    update({ connection: 'lost' });
    if (!socket.active) retryLater();
  });

  socket.on('snapshot', (payload: { status?: SystemStatus; events?: AppEvent[] }) => {
    if (payload?.status) statusFromSocket = true;
    update({
      status: payload?.status ?? state.status,
      events: Array.isArray(payload?.events) ? mergeEvents(payload.events, []) : state.events,
      loadError: null,
    });
  });
  socket.on('status', (payload: { status?: SystemStatus }) => {
    if (!payload?.status) return;
    statusFromSocket = true;
    update({ status: payload.status, loadError: null });
  });
  socket.on('event', (payload: { event?: AppEvent }) => {
    if (!payload?.event) return;
    update({ events: mergeEvents([payload.event], state.events) });
  });

  const reload = async () => {
    const [status, events] = await Promise.allSettled([
      api.get<SystemStatus>('/api/v1/system/status'),
      api.get<{ events: AppEvent[] }>('/api/v1/events?limit=20'),
    ]);
    const patch: Partial<LiveState> = {};
    if (status.status === 'fulfilled') {
      if (!statusFromSocket) patch.status = status.value;
      patch.loadError = null;
    } else if (!state.status && !isUnauthorized(status.reason)) {
      patch.loadError = errorMessage(status.reason);
    }
    if (events.status === 'fulfilled' && Array.isArray(events.value?.events)) {
      patch.events = mergeEvents(events.value.events, state.events);
    }
    update(patch);
  };

  const live: Live = {
    get: () => state,
    subscribe(listener, signal) {
      listeners.add(listener);
      const unsubscribe = () => listeners.delete(listener);
      signal?.addEventListener('abort', unsubscribe, { once: true });
      return unsubscribe;
    },
    reload,
    on(event, listener, signal) {
      if (closed || signal?.aborted) return () => {};
      const handler = (payload: unknown) => {
        if (!closed) listener(payload);
      };
      socket.on(event, handler);
      const off = () => {
        socket.off(event, handler);
      };
      signal?.addEventListener('abort', off, { once: true });
      return off;
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      listeners.clear();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };

  void reload();
  return live;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** Newest first, no duplicates, at most MAX_EVENTS. */
function mergeEvents(incoming: AppEvent[], current: AppEvent[]): AppEvent[] {
  const byId = new Map<number, AppEvent>();
  for (const event of [...incoming, ...current]) {
    if (event && typeof event.id === 'number' && !byId.has(event.id)) byId.set(event.id, event);
  }
  return [...byId.values()].sort(newestFirst).slice(0, MAX_EVENTS);
}

function newestFirst(a: AppEvent, b: AppEvent): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  return Number.isNaN(byTime) || byTime === 0 ? b.id - a.id : byTime;
}
