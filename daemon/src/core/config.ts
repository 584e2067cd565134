import { readFileSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { StartupError } from './errors.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface SchoolConfig {
  /** Unité administrative immatriculée: 7 digits and a letter, e.g. 0751234A. */
  uai: string;
  name: string;
  /** The AD DNS domain; derived from the UAI when absent (see dc/naming.ts). */
  dnsDomain?: string;
  /** The NetBIOS (pre-Windows 2000) domain name; derived from the DNS domain when absent. */
  netbiosName?: string;
  /** Address of the regional ENT, printed on the password sheets. */
  entUrl?: string;
}

export interface DcConfig {
  /** true: Trousse provisions and runs `samba` as its child; false: the system's service runs it. */
  managed: boolean;
  /** Host name of the DC (NetBIOS computer name, ≤ 15 characters, different from the domain). */
  hostName: string;
  /** Network interfaces samba binds to (managed mode writes them in smb.conf). */
  interfaces: string[];
  /** LDAPS URL of the DC. */
  ldapUrl: string;
  /** Samba's configuration file. Managed: <dataDir>/samba/etc/smb.conf when null. */
  smbConf: string | null;
  /** CA that signed the DC's certificate. Default: the DC's own tls/ca.pem in its private dir. */
  caFile: string | null;
  /** File holding the domain Administrator password. Default: <dataDir>/secrets/dc-admin.password. */
  adminPasswordFile: string | null;
  /** Unmanaged mode: the systemd unit that runs samba; null: samba is run by someone else, only watched. */
  serviceName: string | null;
  /** Provision the domain when it does not exist yet. */
  provision: boolean;
  /** Forwarder for the DC's DNS server (the school's router or the académie's resolver). */
  dnsForwarder: string;
  restart: { initialDelayMs: number; maxDelayMs: number; stableAfterMs: number };
  healthIntervalMs: number;
  /** Timeout for one LDAP operation. */
  ldapTimeoutMs: number;
}

export interface AuthConfig {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  lockout: { maxFailures: number; lockMinutes: number };
  loginRateLimit: { max: number; windowSeconds: number };
  /** sAMAccountName of the directory group whose members may log in as teachers. */
  teacherGroup: string;
}

export interface DirectoryConfig {
  /** Name of the school's OU under the domain root (every account and group Trousse manages lives below). */
  ou: string;
  /** Put before the name of every group Trousse creates (sAMAccountName is domain-wide). */
  groupPrefix: string;
  /** sAMAccountName of the all-pupils and all-staff groups (the all-teachers group is auth.teacherGroup). */
  pupilsGroup: string;
  staffGroup: string;
  /** First uidNumber / gidNumber handed out (numbers are allocated upwards and never reused). */
  firstUidNumber: number;
  firstGidNumber: number;
  /** unixHomeDirectory of an account: <homeRoot>/<login>. */
  homeRoot: string;
}

export interface SharesConfig {
  /** false: Trousse neither writes the shares' configuration nor creates folders (tests of other capabilities). */
  enabled: boolean;
  /** Where the class, common, group and profile folders live (homes are directory.homeRoot). */
  root: string;
  /** The smb.conf include Trousse generates. Default: <dataDir>/samba/etc/trousse-shares.conf (managed DC), /etc/samba/trousse-shares.conf otherwise. */
  includeFile: string;
  /** The server's name in the paths Windows PCs use (\\<serverName>\perso\…). Default: dc.hostName. */
  serverName: string;
}

export interface DevicesConfig {
  /** false: no polling, no schedules, no UDP listener (tests of other capabilities). */
  enabled: boolean;
  /** UDP port where projectors' status notifications arrive (PJLink: 4352); 0 = any free port. */
  notifyPort: number;
  /** Local UDP port of a projector search (4352 so that replies come back); 0 = any free port. */
  searchBindPort: number;
  /** Destination UDP port of a projector search. */
  searchPort: number;
  /** Destination UDP port of wake-on-LAN packets (9, "discard"). */
  wolPort: number;
  /** Where schedules count time (Europe/Paris). */
  timezone: string;
  /** Alsace-Moselle: two more public holidays (Vendredi saint, 26 décembre). */
  alsaceMoselle: boolean;
}

export interface InventoryConfig {
  /** Networks (CIDR) whose inventory agents may post to /front/inventory.php. */
  agentNetworks: string[];
  /** Limits of one agent request: as sent (compressed) and once decompressed, in MB. */
  maxBodyMb: number;
  maxInventoryMb: number;
}

export interface HubConfig {
  /** Backoff of the outbox's retries: first delay and cap, ms (jitter on top). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Deadline of one delivery (connect, headers, body), ms. */
  timeoutMs: number;
}

export interface TrousseConfig {
  school: SchoolConfig;
  dataDir: string;
  http: { host: string; port: number; secureCookies: boolean };
  log: { level: LogLevel };
  dc: DcConfig;
  auth: AuthConfig;
  directory: DirectoryConfig;
  shares: SharesConfig;
  devices: DevicesConfig;
  inventory: InventoryConfig;
  hub: HubConfig;
}

/** A partial config as written in the file; defaults fill the rest. */
export type ConfigInput = {
  [K in keyof TrousseConfig]?: TrousseConfig[K] extends object
    ? { [P in keyof TrousseConfig[K]]?: unknown }
    : unknown;
};

const positiveInt = (def: number, max = 86_400_000) => ({ type: 'integer', minimum: 1, maximum: max, default: def });

export const configSchema = {
  $id: 'trousse-config',
  type: 'object',
  additionalProperties: false,
  required: ['school', 'dataDir'],
  properties: {
    school: {
      type: 'object',
      additionalProperties: false,
      required: ['uai', 'name'],
      properties: {
        uai: { type: 'string', pattern: '^[0-9]{7}[A-Za-z]$' },
        name: { type: 'string', minLength: 1, maxLength: 120 },
        dnsDomain: {
          type: 'string',
          maxLength: 200,
          pattern: '^(?=.{1,200}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$',
        },
        netbiosName: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,14}$' },
        entUrl: { type: 'string', maxLength: 200, pattern: '^https?://[^\\s]+$' },
      },
    },
    dataDir: { type: 'string', minLength: 1 },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        secureCookies: { type: 'boolean', default: false },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
    dc: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        managed: { type: 'boolean', default: true },
        hostName: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,14}$', default: 'trousse' },
        interfaces: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, default: ['lo'] },
        ldapUrl: { type: 'string', pattern: '^ldaps://', default: 'ldaps://127.0.0.1:636' },
        smbConf: { type: ['string', 'null'], default: null },
        caFile: { type: ['string', 'null'], default: null },
        adminPasswordFile: { type: ['string', 'null'], default: null },
        serviceName: { type: ['string', 'null'], pattern: '^[A-Za-z0-9@._-]+$', default: 'samba-ad-dc' },
        provision: { type: 'boolean', default: true },
        dnsForwarder: { type: 'string', default: '127.0.0.1' },
        restart: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            initialDelayMs: positiveInt(1000),
            maxDelayMs: positiveInt(60_000),
            stableAfterMs: positiveInt(60_000),
          },
        },
        healthIntervalMs: positiveInt(5000),
        ldapTimeoutMs: positiveInt(10_000),
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        sessionIdleMinutes: positiveInt(120, 10_080),
        sessionMaxHours: positiveInt(12, 720),
        lockout: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: { maxFailures: positiveInt(5, 100), lockMinutes: positiveInt(15, 1440) },
        },
        loginRateLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: { max: positiveInt(20, 10_000), windowSeconds: positiveInt(60, 86_400) },
        },
        teacherGroup: { type: 'string', minLength: 1, maxLength: 64, default: 'enseignants' },
      },
    },
    directory: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ou: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$', default: 'Etablissement' },
        groupPrefix: { type: 'string', pattern: '^[a-z0-9-]{0,16}$', default: '' },
        pupilsGroup: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', default: 'eleves' },
        staffGroup: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', default: 'personnels' },
        firstUidNumber: { type: 'integer', minimum: 1000, maximum: 2_000_000, default: 30_000 },
        firstGidNumber: { type: 'integer', minimum: 1000, maximum: 2_000_000, default: 20_000 },
        homeRoot: { type: 'string', pattern: '^/[^\\0]*$', default: '/srv/trousse/homes' },
      },
    },
    shares: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        root: { type: 'string', pattern: '^/[^\\0]*$', default: '/srv/trousse' },
        includeFile: { type: 'string', pattern: '^/[^\\0]*$' },
        serverName: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,14}$' },
      },
    },
    devices: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        notifyPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4352 },
        searchBindPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4352 },
        searchPort: { type: 'integer', minimum: 1, maximum: 65535, default: 4352 },
        wolPort: { type: 'integer', minimum: 1, maximum: 65535, default: 9 },
        timezone: { type: 'string', minLength: 1, maxLength: 64, default: 'Europe/Paris' },
        alsaceMoselle: { type: 'boolean', default: false },
      },
    },
    inventory: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        agentNetworks: {
          type: 'array',
          maxItems: 64,
          items: { type: 'string', pattern: '^[0-9a-fA-F.:]+(/[0-9]{1,3})?$' },
          default: ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10'],
        },
        maxBodyMb: { type: 'integer', minimum: 1, maximum: 200, default: 16 },
        maxInventoryMb: { type: 'integer', minimum: 1, maximum: 500, default: 64 },
      },
    },
    hub: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        retryBaseMs: positiveInt(30_000),
        retryMaxMs: positiveInt(3_600_000),
        timeoutMs: positiveInt(30_000, 600_000),
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true });
const validate = ajv.compile(configSchema);

const TYPE_FR: Record<string, string> = {
  string: 'une chaîne de caractères',
  integer: 'un nombre entier',
  number: 'un nombre',
  boolean: 'true ou false',
  object: 'un objet { … }',
  array: 'une liste [ … ]',
  null: 'null',
};

function keyOf(err: ErrorObject): string {
  const path = err.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  return path || '(racine)';
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'rien' : s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** One French sentence per schema violation, each naming the key and what is expected. */
export function formatConfigErrors(errors: ErrorObject[], input: unknown): string[] {
  const lines: string[] = [];
  for (const err of errors) {
    const key = keyOf(err);
    const value = err.instancePath
      .split('/')
      .filter(Boolean)
      .reduce<unknown>((acc, k) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined), input);
    const p = err.params as Record<string, unknown>;
    switch (err.keyword) {
      case 'additionalProperties': {
        const extra = String(p.additionalProperty);
        const full = key === '(racine)' ? extra : `${key}.${extra}`;
        const allowed = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const hint = allowed.length > 0 ? ` (clés permises ici : ${allowed.join(', ')})` : '';
        lines.push(`clé inconnue « ${full} » : retirez-la ou corrigez son nom${hint}`);
        break;
      }
      case 'required': {
        const missing = String(p.missingProperty);
        const full = key === '(racine)' ? missing : `${key}.${missing}`;
        lines.push(`clé obligatoire manquante « ${full} »`);
        break;
      }
      case 'type': {
        const types = String(p.type)
          .split(',')
          .map((t) => TYPE_FR[t] ?? t)
          .join(' ou ');
        lines.push(`« ${key} » doit être ${types} (valeur lue : ${describe(value)})`);
        break;
      }
      case 'enum':
        lines.push(
          `« ${key} » doit valoir l'une de ces valeurs : ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (valeur lue : ${describe(value)})`,
        );
        break;
      case 'minimum':
      case 'maximum':
        lines.push(
          `« ${key} » doit être ${err.keyword === 'minimum' ? 'au moins' : 'au plus'} ${String(p.limit)} (valeur lue : ${describe(value)})`,
        );
        break;
      case 'minLength':
        lines.push(`« ${key} » ne doit pas être vide`);
        break;
      case 'maxLength':
        lines.push(`« ${key} » est trop long (${String(p.limit)} caractères au plus)`);
        break;
      case 'minItems':
        lines.push(`« ${key} » doit contenir au moins ${String(p.limit)} élément(s)`);
        break;
      case 'pattern':
        lines.push(`« ${key} » n'a pas la forme attendue (${PATTERN_HINTS[key] ?? `motif ${String(p.pattern)}`}) ; valeur lue : ${describe(value)}`);
        break;
      default:
        lines.push(`« ${key} » : ${err.message ?? 'valeur invalide'}`);
    }
  }
  return [...new Set(lines)];
}

const PATTERN_HINTS: Record<string, string> = {
  'school.uai': '7 chiffres suivis d’une lettre, par exemple 0751234A',
  'school.dnsDomain': 'un nom de domaine DNS comme college-moulin.lan',
  'school.netbiosName': 'une lettre puis 14 lettres, chiffres ou tirets au plus, par exemple MOULIN',
  'dc.hostName': 'une lettre puis 14 lettres, chiffres ou tirets au plus, par exemple trousse',
  'dc.ldapUrl': 'une adresse ldaps://, par exemple ldaps://127.0.0.1:636',
  'dc.serviceName': 'un nom de service systemd, par exemple samba-ad-dc',
};

/**
 * Validates a parsed config, fills defaults and resolves relative paths against `baseDir`.
 * Throws a StartupError whose message lists every problem, each naming its key.
 */
export function parseConfig(input: unknown, baseDir: string, source = 'la configuration'): TrousseConfig {
  const copy: unknown = structuredClone(input);
  if (!validate(copy)) {
    const lines = formatConfigErrors(validate.errors ?? [], copy);
    throw new StartupError('CONFIG_INVALID', `Configuration invalide (${source}) :\n  - ${lines.join('\n  - ')}`, {
      errors: lines,
    });
  }
  const cfg = copy as unknown as TrousseConfig;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  cfg.dataDir = abs(cfg.dataDir);
  if (cfg.dc.smbConf) cfg.dc.smbConf = abs(cfg.dc.smbConf);
  if (cfg.dc.caFile) cfg.dc.caFile = abs(cfg.dc.caFile);
  if (cfg.dc.adminPasswordFile) cfg.dc.adminPasswordFile = abs(cfg.dc.adminPasswordFile);
  if (!cfg.dc.managed && !cfg.dc.smbConf) cfg.dc.smbConf = '/etc/samba/smb.conf';
  cfg.shares.includeFile ??= cfg.dc.managed ? resolve(cfg.dataDir, 'samba/etc/trousse-shares.conf') : '/etc/samba/trousse-shares.conf';
  cfg.shares.serverName ??= cfg.dc.hostName;
  return cfg;
}

/** Reads and validates a JSON config file. The daemon never writes this file. */
export function loadConfigFile(file: string): TrousseConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'le fichier n’existe pas' : code === 'EACCES' ? 'lecture refusée (droits du fichier)' : String(code);
    throw new StartupError('CONFIG_UNREADABLE', `Impossible de lire la configuration ${path} : ${why}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StartupError(
      'CONFIG_SYNTAX',
      `La configuration ${path} n’est pas du JSON valide : ${(err as Error).message}. Vérifiez les virgules, guillemets et accolades.`,
    );
  }
  return parseConfig(parsed, dirname(path), path);
}
