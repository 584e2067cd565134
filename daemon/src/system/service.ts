import { statfs } from 'node:fs/promises';
import type { Service } from '../core/lifecycle.ts';
import { run } from '../core/exec.ts';
import type { TrousseConfig } from '../core/config.ts';
import { TROUSSE_VERSION } from '../version.ts';

export interface DiskUsage {
  mount: string;
  label: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
}

export interface Versions {
  trousse: string;
  node: string;
  samba: string;
}

/** The server itself: disk space of the places Trousse writes to, and software versions. */
export class SystemService implements Service {
  readonly name = 'system';
  readonly #config: TrousseConfig;
  #versions: Versions = { trousse: TROUSSE_VERSION, node: process.versions.node, samba: 'inconnue' };
  readonly #startedAt = Date.now();

  constructor(config: TrousseConfig) {
    this.#config = config;
  }

  async start(): Promise<void> {
    try {
      const r = await run('samba', ['-V'], { timeoutMs: 5000 });
      this.#versions.samba = r.stdout.trim().replace(/^Version\s+/i, '') || 'inconnue';
    } catch {
      this.#versions.samba = 'non installé';
    }
  }

  async stop(): Promise<void> {}

  versions(): Versions {
    return { ...this.#versions };
  }

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.#startedAt) / 1000);
  }

  async disks(): Promise<DiskUsage[]> {
    const places: [string, string][] = [
      ['/', 'Système'],
      [this.#config.dataDir, 'Données de Trousse'],
    ];
    const seen = new Set<string>();
    const out: DiskUsage[] = [];
    for (const [mount, label] of places) {
      try {
        const s = await statfs(mount);
        const key = `${s.type}:${s.blocks}:${s.bfree}`;
        if (seen.has(key)) continue; // same filesystem as one already listed
        seen.add(key);
        const size = s.blocks * s.bsize;
        out.push({ mount, label, sizeBytes: size, usedBytes: size - s.bfree * s.bsize, availBytes: s.bavail * s.bsize });
      } catch {
        /* not mounted */
      }
    }
    return out;
  }
}
