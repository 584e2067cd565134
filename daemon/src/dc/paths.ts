import { join } from 'node:path';
import type { DcConfig } from '../core/config.ts';

/** Where one DC instance keeps its files. Managed: everything under <dataDir>/samba. */
export interface DcPaths {
  /** Target dir of the managed instance (null when the system's samba is used). */
  root: string | null;
  smbConf: string;
  privateDir: string;
  caFile: string;
  adminPasswordFile: string;
  /** Marker written last by a successful provision. */
  marker: string;
  runDir: string | null;
  logDir: string;
}

export function dcPaths(dataDir: string, dc: DcConfig): DcPaths {
  const adminPasswordFile = dc.adminPasswordFile ?? join(dataDir, 'secrets', 'dc-admin.password');
  if (dc.managed) {
    const root = join(dataDir, 'samba');
    const privateDir = join(root, 'private');
    return {
      root,
      smbConf: dc.smbConf ?? join(root, 'etc', 'smb.conf'),
      privateDir,
      caFile: dc.caFile ?? join(privateDir, 'tls', 'ca.pem'),
      adminPasswordFile,
      marker: join(root, '.trousse-provisioned.json'),
      runDir: join(root, 'run'),
      logDir: join(root, 'log'),
    };
  }
  const privateDir = '/var/lib/samba/private';
  return {
    root: null,
    smbConf: dc.smbConf ?? '/etc/samba/smb.conf',
    privateDir,
    caFile: dc.caFile ?? join(privateDir, 'tls', 'ca.pem'),
    adminPasswordFile,
    marker: join(dataDir, 'dc-provisioned.json'),
    runDir: null,
    logDir: '/var/log/samba',
  };
}
