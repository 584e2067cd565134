import type { DevicesService } from '../devices/index.ts';
import { defaultRules } from '../devices/calendar/plan.ts';

/**
 * The demo school's rooms and devices: three rooms with their PCs and a projector or whiteboard
 * each. Projectors point at `projectorPorts` on 127.0.0.1 when simulators run there (scripts/
 * demo.sh starts them), otherwise at addresses of the school network (then "injoignable").
 */
export function seedDemoDevices(devices: DevicesService, projectorPorts: number[]): number {
  const rooms = [
    { name: 'Salle 101', subnet: '10.20.101.0/24', board: { kind: 'whiteboard' as const, model: 'EB-695Wi', manufacturer: 'Epson' } },
    { name: 'Salle 102', subnet: '10.20.102.0/24', board: { kind: 'projector' as const, model: 'ME402X', manufacturer: 'NEC' } },
    { name: 'CDI', subnet: '10.20.110.0/24', board: { kind: 'display' as const, model: 'ActivPanel 9', manufacturer: 'Promethean' } },
  ];
  let n = 0;
  rooms.forEach((room, r) => {
    devices.createRoom({ name: room.name, subnet: room.subnet });
    const net = room.subnet.split('.').slice(0, 3).join('.');
    const port = projectorPorts[r];
    devices.create({
      kind: room.board.kind,
      name: `${room.board.kind === 'display' ? 'ENI' : room.board.kind === 'whiteboard' ? 'TBI' : 'VP'}-${room.name.replace(/\s+/g, '')}`,
      room: room.name,
      host: port ? '127.0.0.1' : `${net}.50`,
      manufacturer: room.board.manufacturer,
      model: room.board.model,
      purchaseDate: `${2019 + r}-09-01`,
      warrantyEnd: `${2023 + r}-08-31`,
      pjlink: { port: port ?? 4352 },
    });
    n++;
    for (let i = 1; i <= 4; i++) {
      devices.create({
        kind: 'pc',
        name: `PC-${room.name.replace(/\s+/g, '')}-${String(i).padStart(2, '0')}`,
        room: room.name,
        mac: `02:00:0a:14:${(101 + r).toString(16).padStart(2, '0')}:${i.toString(16).padStart(2, '0')}`,
        host: `${net}.${10 + i}`,
        os: i === 4 ? 'linux' : 'windows',
        manufacturer: 'Dell',
        model: 'OptiPlex 3000',
        // one room per renewal wave: 2021 (to renew), 2023 (under warranty), 2025 (new)
        purchaseDate: `${2021 + 2 * r}-09-15`,
        warrantyEnd: `${2025 + 2 * r}-09-14`,
      });
      n++;
    }
  });
  for (const rule of defaultRules()) devices.schedules.create(rule);
  return n;
}
