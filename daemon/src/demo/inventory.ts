import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DevicesService } from '../devices/index.ts';
import type { HubService } from '../hub/index.ts';
import type { InventoryService } from '../inventory/index.ts';

/**
 * The demo park: the demo PCs report like GLPI agents would (built from the official example
 * computer_1.json, with each PC's name, MAC and serial), a few items only known from the purchase
 * records (a printer, a laptop trolley), and, when scripts/demo.sh runs a simulated hub, the hub's
 * address and token so that Inventaire › Remontée shows real deliveries.
 */
export function seedDemoInventory(inventory: InventoryService, devices: DevicesService, hub: HubService, hubUrl: string | null): number {
  if (hubUrl) {
    hub.updateSettings({ url: hubUrl, glpiUrl: null });
    hub.setSecrets({ token: 'jeton-de-demonstration' });
  }
  const example = JSON.parse(readFileSync(new URL('../inventory/glpi-format/computer_1.json', import.meta.url), 'utf8')) as { content: Record<string, unknown> };
  let n = 0;
  for (const d of devices.list().filter((x) => x.kind === 'pc' && x.os === 'windows')) {
    const inv = structuredClone(example) as { deviceid: string; action: string; content: Record<string, unknown> };
    inv.deviceid = `${d.name}-2026-09-01-08-00-00`;
    inv.action = 'inventory';
    const content = inv.content;
    (content.hardware as Record<string, unknown>).name = d.name;
    (content.bios as Record<string, unknown>).ssn = `CZC${d.name.replace(/[^0-9]/g, '').padStart(6, '0')}`;
    (content.bios as Record<string, unknown>).smanufacturer = 'Dell Inc.';
    (content.bios as Record<string, unknown>).smodel = 'OptiPlex 3000';
    content.networks = [{ description: 'Ethernet', mac: d.mac, ipaddress: d.host, status: 'up', type: 'ethernet', virtualdev: false }];
    inventory.receiveAgent(inv, { protocol: 'json', address: d.host, agentUuid: randomUUID(), raw: JSON.stringify(inv) });
    n++;
  }
  const purchases = [
    'Nom;Type;Salle;Fabricant;Modèle;Numéro de série;Date d’achat;Durée de garantie (mois);Fournisseur;N° de commande;Montant (€)',
    'IMP-Salle-des-profs;Imprimante;Salle des professeurs;Brother;HL-L5100DN;E78234K9N112233;12/09/2019;36;UGAP;BC-2019-114;389,00',
    'Chariot-portables-01;Autre;CDI;Dell;Chariot 16 portables;CHR-2023-001;04/10/2023;48;Conseil départemental;BC-2023-877;9 870,00',
    'ENI-CDI;Écran interactif;CDI;Promethean;ActivPanel 9;PRM-AP9-55012;01/09/2021;60;UGAP;BC-2021-402;2 450,00',
  ].join('\n');
  const r = inventory.importPurchases(purchases, false);
  // the first daily snapshot now, so that the simulated hub has the park at once
  if (hubUrl) void hub.snapshot();
  return n + r.created + r.matched;
}
