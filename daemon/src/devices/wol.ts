import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Wake-on-LAN (formats.md §4.1): 6 × 0xFF then the MAC 16 times (102 bytes), sent as UDP to the
 * directed broadcast of the PC's room (255.255.255.255 only reaches the server's own segment),
 * three times 100 ms apart. Then reachability: a PC is awake when a TCP connection to one of its
 * usual ports is accepted or refused (both prove the system answers).
 */

export function magicPacket(mac: string): Buffer {
  const hex = mac.replace(/[^0-9a-f]/gi, '');
  if (hex.length !== 12) throw new Error(`bad MAC ${mac}`);
  const m = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(102, 0xff);
  for (let i = 0; i < 16; i++) m.copy(out, 6 + i * 6);
  return out;
}

export interface WakeTarget {
  mac: string;
  /** Directed broadcast of the PC's room, or 255.255.255.255. */
  broadcast: string;
}

/** Sends the packets (repeat × each target), `gapMs` apart. Resolves with the datagrams sent. */
export async function sendMagicPackets(targets: WakeTarget[], opts: { port: number; repeat?: number; gapMs?: number }): Promise<number> {
  if (targets.length === 0) return 0;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setBroadcast(true);
  let sent = 0;
  try {
    const repeat = opts.repeat ?? 3;
    for (let round = 0; round < repeat; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, opts.gapMs ?? 100));
      for (const t of targets) {
        await new Promise<void>((resolve, reject) => socket.send(magicPacket(t.mac), opts.port, t.broadcast, (err) => (err ? reject(err) : resolve())));
        sent++;
      }
    }
  } finally {
    socket.close();
  }
  return sent;
}

/** Ports a classroom PC answers on: SMB (Windows), SSH (Linux), RDP, RPC endpoint mapper. */
export const PROBE_PORTS = [445, 22, 3389, 135];

/** true when the host answers on one of the ports (accepted or refused) within timeoutMs. */
export function probeHost(host: string, ports = PROBE_PORTS, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    let pending = ports.length;
    let done = false;
    const sockets: net.Socket[] = [];
    const finish = (up: boolean) => {
      if (done) return;
      if (up || --pending === 0) {
        done = true;
        for (const s of sockets) s.destroy();
        resolve(up);
      }
    };
    for (const port of ports) {
      const s = net.connect({ host, port, timeout: timeoutMs });
      sockets.push(s);
      s.once('connect', () => finish(true));
      s.once('timeout', () => finish(false));
      s.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED'));
    }
  });
}
