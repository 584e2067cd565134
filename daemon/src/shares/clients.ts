import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { run } from '../core/exec.ts';

/**
 * What the school's PCs need to use the server's accounts and shares: sssd.conf and
 * pam_mount.conf.xml for Linux PCs, and the values of the Windows GPO (home drive, roaming
 * profile, folder redirection) for the console and provisioning/gpo/README.md.
 * Every value that lands in a file is validated first (validateClientSite), then escaped.
 */

export interface ClientSite {
  /** Kerberos realm, upper case: the DNS domain in capitals (e.g. CLG-MOULIN.LAN). */
  realm: string;
  /** DNS domain of the AD domain (clg-moulin.lan). */
  dnsDomain: string;
  /** NetBIOS domain name (CLG-MOULIN). */
  netbiosName: string;
  /** The DC's host name (trousse); its FQDN is `${serverHost}.${dnsDomain}`. */
  serverHost: string;
  /** IP address the PCs reach, when known. */
  serverAddress: string | null;
  /** DC=clg-moulin,DC=lan */
  baseDn: string;
  /** SMB share holding one folder per user (perso → \\trousse\perso\<login>). */
  homeShare: string;
  /** Roaming profiles share (profiles$). */
  profileShare: string;
  /** Windows home drive letter (H:). */
  homeDrive: string;
}

export interface FolderRedirection {
  /** French label, as the console and the README show it. */
  folder: string;
  /** The known folder's name in the GPMC "Folder Redirection" node. */
  knownFolder: 'Desktop' | 'Documents' | 'Downloads' | 'Pictures' | 'AppData (Roaming)';
  /** UNC target ("Redirect to the following location"). */
  target: string;
}

export interface WindowsSettings {
  /** \\trousse\perso\%USERNAME% (AD homeDirectory). */
  homeDirectoryPattern: string;
  /** H: (AD homeDrive). */
  homeDrive: string;
  /** \\trousse\profiles$\%USERNAME% (AD profilePath; Windows 10 1607+/11 adds .V6 itself). */
  profilePathPattern: string;
  redirections: FolderRedirection[];
  /** Folders of the profile that never roam (GPO "Exclude directories in roaming profile", joined with ';'). */
  excludeProfileDirs: string[];
}

export interface SssdCheck {
  ok: boolean;
  output: string;
}

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9.$_-]*$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function invalid(field: keyof ClientSite, value: unknown, why: string): AppError {
  return new AppError('CLIENT_SITE_INVALID', `Réglage des postes clients invalide (${field} = « ${String(value)} ») : ${why}`, 400, { field });
}

/**
 * Checks every value of the site before it becomes part of a configuration file: only
 * [A-Za-z0-9.$_-], starting with a letter or digit, never two hyphens in a row (that would close an
 * XML comment), DNS names made of valid labels, realm = DNS domain in capitals, base DN matching the
 * domain, a drive letter D: to Z:, an IP address or null. Throws an AppError (CLIENT_SITE_INVALID).
 */
export function validateClientSite(site: ClientSite): void {
  const tokens: (keyof ClientSite)[] = ['realm', 'dnsDomain', 'netbiosName', 'serverHost', 'homeShare', 'profileShare'];
  for (const field of tokens) {
    const value = site[field];
    if (typeof value !== 'string' || value.length === 0) throw invalid(field, value, 'valeur manquante.');
    if (value.length > 253) throw invalid(field, value, 'trop long.');
    if (!TOKEN.test(value)) throw invalid(field, value, 'seuls les lettres sans accent, chiffres, « . », « $ », « _ » et « - » sont permis, en commençant par une lettre ou un chiffre.');
    if (value.includes('--')) throw invalid(field, value, 'deux tirets à la suite ne sont pas permis.');
  }
  for (const field of ['dnsDomain', 'realm'] as const) {
    const labels = site[field].split('.');
    if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
      throw invalid(field, site[field], 'il faut un nom DNS complet (par exemple clg-moulin.lan).');
    }
  }
  if (site.realm !== site.dnsDomain.toUpperCase()) {
    throw invalid('realm', site.realm, `le royaume Kerberos d’un domaine AD est son nom DNS en majuscules (${site.dnsDomain.toUpperCase()}).`);
  }
  if (!DNS_LABEL.test(site.serverHost)) throw invalid('serverHost', site.serverHost, 'le nom court du serveur, sans point (par exemple trousse).');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,14}$/.test(site.netbiosName)) throw invalid('netbiosName', site.netbiosName, 'une lettre puis 14 lettres, chiffres ou tirets au plus.');
  for (const field of ['homeShare', 'profileShare'] as const) {
    if (site[field].length > 80) throw invalid(field, site[field], 'nom de partage trop long (80 caractères au plus).');
  }
  const expectedDn = site.dnsDomain
    .split('.')
    .map((l) => `DC=${l}`)
    .join(',');
  if (typeof site.baseDn !== 'string' || site.baseDn.toLowerCase() !== expectedDn.toLowerCase()) {
    throw invalid('baseDn', site.baseDn, `ne correspond pas au domaine ${site.dnsDomain} (attendu ${expectedDn}).`);
  }
  if (typeof site.homeDrive !== 'string' || !/^[D-Z]:$/i.test(site.homeDrive)) {
    throw invalid('homeDrive', site.homeDrive, 'une lettre de lecteur de D: à Z:.');
  }
  if (site.serverAddress !== null && (typeof site.serverAddress !== 'string' || isIP(site.serverAddress) === 0)) {
    throw invalid('serverAddress', site.serverAddress, 'une adresse IP, ou rien.');
  }
}

function fqdn(site: ClientSite): string {
  return `${site.serverHost}.${site.dnsDomain}`.toLowerCase();
}

/** Escapes a value for an XML attribute or text node. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** /etc/sssd/sssd.conf for a Debian/Ubuntu classroom PC joined to the school's domain. */
export function sssdConf(site: ClientSite): string {
  validateClientSite(site);
  const domain = site.dnsDomain.toLowerCase();
  const server = fqdn(site);
  const dns = site.serverAddress ? `nameserver ${site.serverAddress}` : `nameserver <adresse IP de ${server}>`;
  return `# /etc/sssd/sssd.conf — poste Linux (Debian 12, Ubuntu 22.04 ou plus récent) de l'établissement.
# Généré par Trousse pour le domaine ${site.realm} (NetBIOS ${site.netbiosName}), serveur ${server}.
#
# Les élèves et les personnels s'y connectent avec leur identifiant et leur mot de passe du serveur.
# Les numéros uid/gid sont ceux de l'annuaire (uidNumber/gidNumber, ldap_id_mapping = False) :
# les fichiers ont le même propriétaire sur le poste et sur le serveur.
# Le dossier personnel Linux est local (/home/<identifiant>) ; le dossier du serveur est monté
# dans ~/Reseau par pam_mount (fichier pam_mount.conf.xml de Trousse).
#
# Mise en place, en root sur le poste :
#  1. DNS : le poste doit interroger le serveur (${dns} dans /etc/resolv.conf,
#     ou par le DHCP) et être à l'heure : un écart de plus de 5 minutes bloque Kerberos.
#  2. apt install sssd-ad sssd-tools libpam-mount cifs-utils keyutils krb5-user adcli realmd
#  3. Joindre le domaine (le mot de passe d'un administrateur du domaine est demandé) :
#       realm join --user=Administrator ${domain}
#     ou, sans realmd :
#       adcli join --domain=${domain} --domain-controller=${server} --login-user=Administrator
#     Le compte de l'ordinateur est créé dans CN=Computers,${site.baseDn}.
#  4. Remplacer /etc/sssd/sssd.conf par ce fichier (realm join en écrit un autre), puis :
#       chown root:root /etc/sssd/sssd.conf && chmod 0600 /etc/sssd/sssd.conf
#     ATTENTION : sssd refuse de démarrer si ce fichier n'appartient pas à root ou n'est pas en mode 0600.
#  5. sssctl config-check && systemctl restart sssd
#  6. pam-auth-update --enable mkhomedir    (crée /home/<identifiant> à la première connexion ;
#     dans /etc/pam.d/common-session, placer sa ligne avant pam_mount.so : voir pam_mount.conf.xml)
#  7. Vérifier : « id <identifiant> » affiche l'uid de l'annuaire.

[sssd]
config_file_version = 2
services = nss, pam
domains = ${domain}

[domain/${domain}]
id_provider = ad
auth_provider = ad
chpass_provider = ad
# Refuse les comptes désactivés ou expirés. Les GPO Windows de droits d'ouverture de session ne sont
# que journalisées (permissive) : une stratégie mal lue ne doit pas bloquer une salle entière.
access_provider = ad
ad_gpo_access_control = permissive
ad_domain = ${domain}
krb5_realm = ${site.realm}
ad_server = ${server}
# Connexion possible sans réseau avec le dernier mot de passe utilisé sur ce poste.
cache_credentials = True
krb5_store_password_if_offline = True
# Ticket Kerberos au nom attendu par mount.cifs (montage sec=krb5i de pam_mount).
krb5_ccname_template = FILE:/tmp/krb5cc_%U
ldap_id_mapping = False
use_fully_qualified_names = False
# L'annuaire contient le chemin du dossier sur le serveur (unixHomeDirectory) : on le remplace
# par un dossier local au poste.
override_homedir = /home/%u
fallback_homedir = /home/%u
default_shell = /bin/bash
`;
}

/** /etc/security/pam_mount.conf.xml: mounts the user's server folder in ~/Reseau at logon (Kerberos). */
export function pamMountConf(site: ClientSite): string {
  validateClientSite(site);
  const server = escapeXml(fqdn(site));
  const options = 'sec=krb5i,cruid=%(USERUID),vers=3.0,nodev,nosuid,uid=%(USERUID),gid=%(USERGID)';
  const unc = `\\\\${escapeXml(site.serverHost)}\\${escapeXml(site.homeShare)}\\<identifiant>`;
  return `<?xml version="1.0" encoding="utf-8" ?>
<!DOCTYPE pam_mount SYSTEM "pam_mount.conf.xml.dtd">
<!--
  /etc/security/pam_mount.conf.xml : poste Linux de l'établissement.
  Généré par Trousse pour le domaine ${escapeXml(site.realm)}, serveur ${server}.

  À l'ouverture de session, le dossier personnel du serveur (${unc},
  le lecteur ${escapeXml(site.homeDrive.toUpperCase())} des PC Windows) est monté dans ~/Reseau, et démonté à la fermeture.
  Le reste de /home/<identifiant> reste sur le poste : on ne mélange pas les réglages Linux
  (.config, .mozilla...) avec le profil Windows.
  Montage Kerberos (sec=krb5i) : le ticket obtenu par sssd à la connexion suffit, aucun mot de passe
  n'est enregistré. Paquets : libpam-mount, cifs-utils, keyutils ; sssd configuré (sssd.conf de Trousse).

  Les deux lignes PAM (le paquet Debian libpam-mount les ajoute lui-même par pam-auth-update ;
  vérifier avec : grep pam_mount /etc/pam.d/common-auth /etc/pam.d/common-session) :
    /etc/pam.d/common-auth      auth     optional  pam_mount.so
    /etc/pam.d/common-session   session  optional  pam_mount.so
  Dans common-session, la ligne pam_mkhomedir.so doit venir AVANT pam_mount.so : sinon ~/Reseau est
  créé avant le dossier personnel et /etc/skel n'y est pas copié.
-->
<pam_mount>

<debug enable="0" />

<!-- Dossier personnel du serveur -->
<volume fstype="cifs" server="${server}" path="${escapeXml(site.homeShare)}/%(USER)" mountpoint="~/Reseau" options="${escapeXml(options)}" />

<!-- Exemple : le partage des classes dans ~/Classes ; retirer les marques de commentaire pour l'activer.
<volume fstype="cifs" server="${server}" path="classes" mountpoint="~/Classes" options="${escapeXml(options)}" />
-->

<mntoptions allow="nosuid,nodev,loop,encryption,fsck,nonempty,allow_root,allow_other" />
<mntoptions require="nosuid,nodev" />

<logout wait="0" hup="no" term="no" kill="no" />

<mkmountpoint enable="1" remove="true" />

</pam_mount>
`;
}

/** The Windows side: AD attributes (home drive, roaming profile) and the folder redirection GPO targets. */
export function windowsSettings(site: ClientSite): WindowsSettings {
  validateClientSite(site);
  const home = `\\\\${site.serverHost}\\${site.homeShare}\\%USERNAME%`;
  return {
    homeDirectoryPattern: home,
    homeDrive: site.homeDrive.toUpperCase(),
    profilePathPattern: `\\\\${site.serverHost}\\${site.profileShare}\\%USERNAME%`,
    redirections: [
      { folder: 'Bureau', knownFolder: 'Desktop', target: `${home}\\Bureau` },
      { folder: 'Documents', knownFolder: 'Documents', target: `${home}\\Documents` },
      { folder: 'Téléchargements', knownFolder: 'Downloads', target: `${home}\\Telechargements` },
      { folder: 'Images', knownFolder: 'Pictures', target: `${home}\\Images` },
      { folder: 'AppData (Roaming)', knownFolder: 'AppData (Roaming)', target: `${home}\\AppData\\Roaming` },
    ],
    excludeProfileDirs: ['Music', 'Videos', 'Saved Games', 'Searches', 'Contacts', '3D Objects', 'OneDrive'],
  };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in $PATH or the sbin directories (a daemon's PATH may lack them). */
async function findProgram(name: string): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

const SSSCTL_TIMEOUT_MS = 20_000;

/**
 * Runs `sssctl config-check -c <file>` (package sssd-tools) on a generated sssd.conf: the text is
 * written to a private temp dir (0700, file 0600, with an empty conf.d for snippets), which is
 * removed afterwards. sssctl insists on a root:root 0600 file, so the check is only meaningful when
 * Trousse runs as root. Returns null when sssctl is not installed (or `opts.sssctl` is not executable).
 * Note: sssctl 2.8 accepts a file without an [sssd] section; it rejects unknown options and sections,
 * and lines that are not `key = value`.
 */
export async function checkSssdConf(text: string, opts: { sssctl?: string } = {}): Promise<SssdCheck | null> {
  const sssctl = opts.sssctl ?? (await findProgram('sssctl'));
  if (!sssctl || !(await isExecutable(sssctl))) return null;
  const dir = await mkdtemp(join(tmpdir(), 'trousse-sssd-'));
  try {
    await chmod(dir, 0o700);
    const file = join(dir, 'sssd.conf');
    const snippets = join(dir, 'conf.d');
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    await mkdir(snippets, { mode: 0o700 });
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run(sssctl, ['config-check', '-c', file, '-s', snippets], { timeoutMs: SSSCTL_TIMEOUT_MS });
    } catch (err) {
      if (err instanceof AppError && err.code === 'EXEC_NOT_FOUND') return null;
      throw err;
    }
    let output = [result.stdout, result.stderr]
      .map((s) => s.trim())
      .filter(Boolean)
      .join('\n')
      .split(file)
      .join('sssd.conf');
    if (result.signal) {
      output = `${output}\nsssctl config-check n'a pas terminé en ${SSSCTL_TIMEOUT_MS / 1000} s : arrêté (${result.signal}).`.trim();
      return { ok: false, output };
    }
    return { ok: result.code === 0, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
