import { isAppError, errorMessage } from './core/errors.ts';
import { parseFlags } from './cli/args.ts';
import { runServe } from './cli/serve.ts';
import { runDemo, DEMO_DEFAULT_DIR } from './cli/demo.ts';
import { runStatus } from './cli/status.ts';
import { runUsers, USERS_USAGE } from './cli/users.ts';
import { IMPORT_USAGE, runImport, runSheets } from './cli/imports.ts';
import { REPORT_USAGE, runReport } from './cli/report.ts';

const USAGE = `Trousse — serveur de l’établissement

Utilisation :
  trousse serve --config FICHIER        lance le démon avec ce fichier de configuration
  trousse demo [--data DOSSIER] [--port N]
                                        lance l’appliance complète sur l’école de démonstration
                                        (dossier par défaut : ${DEMO_DEFAULT_DIR}, port 8080)
  trousse status [--config FICHIER | --data DOSSIER | --url URL]
                                        interroge un démon en marche
${USERS_USAGE}
${IMPORT_USAGE}
${REPORT_USAGE}
  trousse --help                        cette aide`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const flags = parseFlags(rest, { config: 'string' });
      if (!flags.config) {
        console.error('Indiquez le fichier de configuration : trousse serve --config /etc/trousse/config.json');
        return 2;
      }
      const daemon = await runServe(String(flags.config));
      return daemon.stopped;
    }
    case 'demo': {
      const flags = parseFlags(rest, { data: 'string', port: 'number' });
      const daemon = await runDemo({
        ...(flags.data !== undefined ? { data: String(flags.data) } : {}),
        ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
      });
      console.log(`Trousse (démo) est prêt : ${daemon.url} — identifiants dans ${daemon.trousse.config.dataDir}/credentials.json. Ctrl+C pour arrêter.`);
      return daemon.stopped;
    }
    case 'status': {
      const flags = parseFlags(rest, { config: 'string', data: 'string', url: 'string' });
      return runStatus(
        {
          ...(flags.config !== undefined ? { config: String(flags.config) } : {}),
          ...(flags.data !== undefined ? { data: String(flags.data) } : {}),
          ...(flags.url !== undefined ? { url: String(flags.url) } : {}),
        },
        (l) => console.log(l),
      );
    }
    case 'users':
      return runUsers(rest, (l) => console.log(l));
    case 'import':
      return runImport(rest, (l) => console.log(l));
    case 'sheets':
      return runSheets(rest, (l) => console.log(l));
    case 'report':
      return runReport(rest, (l) => console.log(l));
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Commande inconnue : ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isAppError(err)) console.error(`Erreur : ${err.message}`);
    else console.error(`Erreur inattendue : ${errorMessage(err)}`);
    process.exitCode = 1;
  },
);
