import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import type { EventBus, JournalEvent } from '../core/events.ts';
import type { AuthService } from './auth/service.ts';
import { authenticate } from './auth/plugin.ts';
import type { Principal } from './auth/types.ts';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      /* ignore a malformed cookie */
    }
  }
  return out;
}

export interface RealtimeOptions<S> {
  auth: AuthService;
  bus: EventBus;
  status: () => Promise<S>;
  events: () => JournalEvent[];
}

/**
 * socket.io only pushes to the console (writes go over HTTP): a snapshot right after an
 * authenticated handshake, then deltas from the bus ("status", "event").
 */
export function attachRealtime<S>(app: FastifyInstance, opts: RealtimeOptions<S>): Server {
  const io = new Server(app.server, { path: '/socket.io', serveClient: false, transports: ['websocket', 'polling'] });
  const unsubscribe: (() => void)[] = [];

  io.use((socket: Socket, next) => {
    const headers = { ...socket.request.headers };
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string') headers.authorization = `Bearer ${token}`;
    const origin = socket.request.headers.origin;
    if (origin && !token) {
      try {
        if (new URL(origin).host !== socket.request.headers.host) return next(new Error('UNAUTHENTICATED'));
      } catch {
        return next(new Error('UNAUTHENTICATED'));
      }
    }
    const p = authenticate(opts.auth, headers, parseCookies(socket.request.headers.cookie));
    if (!p || typeof p === 'string') return next(new Error('UNAUTHENTICATED'));
    socket.data.principal = p;
    next();
  });

  io.on('connection', (socket) => {
    const p = socket.data.principal as Principal;
    void socket.join('console');
    if (p.role === 'administrator') void socket.join('admins');
    if (p.sessionId) void socket.join(`session:${p.sessionId}`);
    void opts.status().then((status) => socket.emit('snapshot', { status, events: opts.events() }));
  });

  let pending: NodeJS.Timeout | null = null;
  const pushStatus = (): void => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      void opts.status().then((status) => io.to('console').emit('status', { status }));
    }, 50);
  };
  unsubscribe.push(opts.bus.on('dc.status', pushStatus));
  unsubscribe.push(opts.bus.on('readiness.changed', pushStatus));
  unsubscribe.push(opts.bus.on('journal.event', (event) => io.to('console').emit('event', { event })));
  unsubscribe.push(opts.bus.on('devices.status', (payload) => io.to('console').emit('devices.status', payload)));
  unsubscribe.push(opts.bus.on('devices.alert', (payload) => io.to('console').emit('devices.alert', payload)));
  unsubscribe.push(opts.bus.on('import.progress', (progress) => io.to('admins').emit('import.progress', progress)));
  unsubscribe.push(
    opts.bus.on('session.ended', ({ sessionId }) => {
      io.in(`session:${sessionId}`).disconnectSockets(true);
    }),
  );

  app.addHook('onClose', async () => {
    if (pending) clearTimeout(pending);
    for (const u of unsubscribe) u();
    await io.close();
  });
  return io;
}
