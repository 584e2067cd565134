import t from 'tap';
import { classSlug } from '../../daemon/src/directory/views.ts';

t.test('class slugs keep digits, so 6A and 5A never share a group name', async (t) => {
  t.equal(classSlug('6A'), '6a');
  t.equal(classSlug('5A'), '5a');
  t.equal(classSlug('3e B'), '3e-b');
  t.equal(classSlug('6°2'), '6-2');
  t.equal(classSlug('  Club d’échecs (mercredi) '), 'club-dechecs-mercredi');
  t.equal(classSlug('Œnologie & Ærobic'), 'oenologie-aerobic');
  t.equal(classSlug('°°°'), '', 'nothing usable: the caller refuses the name');
  t.ok(classSlug('x'.repeat(100)).length <= 40, 'bounded length');
});
