import { join } from 'node:path';
import { loadConfigFile } from '../core/config.ts';
import { generatePassword } from '../core/passwords.ts';
import { writeSecretFile } from '../dc/provision.ts';
import { runDaemon, type RunningDaemon } from './run.ts';

/** `trousse serve --config FILE`. On the very first start, creates the console's first administrator. */
export async function runServe(configFile: string): Promise<RunningDaemon> {
  const config = loadConfigFile(configFile);
  return runDaemon(config, {
    beforeStart: async (t) => {
      if (t.auth.countAdmins() > 0) return;
      const file = join(config.dataDir, 'secrets', 'initial-admin.password');
      const password = generatePassword(16);
      // the file first: an admin whose password was never written down would lock everyone out
      writeSecretFile(file, password);
      await t.auth.createAdmin('admin', 'Administrateur ENT', password);
      t.journal.record('warn', 'auth', 'auth.initial-admin', `Premier administrateur « admin » créé : son mot de passe est dans ${file} (à changer).`);
      t.log.warn({ file }, 'initial administrator created; password written to file');
    },
  });
}
