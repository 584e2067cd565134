import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig, type TrousseConfig } from '../core/config.ts';
import { generatePassword } from '../core/passwords.ts';
import { seedDemoSchool } from '../demo/seed.ts';
import { seedDemoDevices } from '../demo/devices.ts';
import { seedDemoInventory } from '../demo/inventory.ts';
import type { TrousseApp } from '../app.ts';
import { runDaemon, type RunningDaemon } from './run.ts';

export interface DemoCredentials {
  url: string;
  admin: { login: string; password: string };
  apiToken: string;
}

export const DEMO_DEFAULT_DIR = '/var/tmp/trousse-demo';

export function demoConfig(dataDir: string, port: number): TrousseConfig {
  return parseConfig(
    {
      school: { uai: '0751234A', name: 'Collège Jean Moulin (démo)', dnsDomain: 'moulin-demo.lan' },
      dataDir,
      http: { host: '127.0.0.1', port },
      dc: { managed: true, interfaces: ['lo'], hostName: 'trousse' },
      // the demo keeps its school's folders with its data (an appliance uses /srv/trousse)
      directory: { homeRoot: join(dataDir, 'srv', 'homes') },
      shares: { root: join(dataDir, 'srv') },
      log: { level: process.env.TROUSSE_LOG_LEVEL ?? 'info' },
    },
    process.cwd(),
    'démo',
  );
}

function writePrivateJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Makes sure the admin account and the API token of credentials.json exist and work (reusing them). */
async function ensureCredentials(t: TrousseApp, file: string): Promise<Omit<DemoCredentials, 'url'>> {
  const previous = readJson<DemoCredentials>(file);
  const login = previous?.admin?.login ?? 'admin';
  let password = previous?.admin?.password ?? generatePassword(16);
  if (!t.auth.getAdmin(login)) {
    if (password.length < 12) password = generatePassword(16);
    await t.auth.createAdmin(login, 'Administrateur ENT (démo)', password);
  }
  let apiToken = previous?.apiToken ?? '';
  if (!apiToken || !t.auth.tokenPrincipal(apiToken)) apiToken = t.auth.createToken('démo', 'administrator', 'demo').token;
  return { admin: { login, password }, apiToken };
}

/** `trousse demo`: the whole appliance on the embedded demo school, under DIR (reused when run again). */
export async function runDemo(opts: { data?: string; port?: number }): Promise<RunningDaemon> {
  const dataDir = resolve(opts.data ?? DEMO_DEFAULT_DIR);
  const config = demoConfig(dataDir, opts.port ?? 8080);
  const credFile = join(dataDir, 'credentials.json');
  let creds: Omit<DemoCredentials, 'url'> | null = null;
  const daemon = await runDaemon(config, {
    beforeStart: async (t) => {
      creds = await ensureCredentials(t, credFile);
    },
    afterStart: async (t, url) => {
      writePrivateJson(credFile, { url, ...(creds as Omit<DemoCredentials, 'url'>) });
      const accountsFile = join(dataDir, 'demo-accounts.json');
      if (t.dc.serving && !existsSync(accountsFile)) {
        const accounts = await seedDemoSchool(t.directory);
        writePrivateJson(accountsFile, accounts);
        t.journal.record('info', 'demo', 'demo.seeded', `École de démonstration créée : ${accounts.length} comptes (3 classes).`);
      }
      const devicesFile = join(dataDir, 'demo-devices.json');
      if (!existsSync(devicesFile)) {
        // scripts/demo.sh runs simulated projectors and passes their ports
        const ports = (process.env.TROUSSE_DEMO_PROJECTORS ?? '').split(',').map(Number).filter((p) => p > 0);
        const count = seedDemoDevices(t.devices, ports);
        writePrivateJson(devicesFile, { count, projectorPorts: ports });
        t.journal.record('info', 'demo', 'demo.devices', `Salles de démonstration créées : ${count} appareils dans 3 salles.`);
      }
      const inventoryFile = join(dataDir, 'demo-inventory.json');
      if (!existsSync(inventoryFile)) {
        // scripts/demo.sh runs a simulated departmental hub and passes its address
        t.inventory.syncDevices();
        const count = seedDemoInventory(t.inventory, t.devices, t.hub, process.env.TROUSSE_DEMO_HUB || null);
        writePrivateJson(inventoryFile, { count });
        t.journal.record('info', 'demo', 'demo.inventory', `Parc de démonstration : ${count} inventaires et achats enregistrés.`);
      }
    },
  });
  if (!existsSync(credFile)) throw new Error('credentials.json was not written');
  return daemon;
}
