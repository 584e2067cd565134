import t from 'tap';
import { deriveDomain } from '../../daemon/src/dc/naming.ts';
import { escapeDnValue, escapeFilterValue, filter } from '../../daemon/src/dc/escape.ts';

t.test('realm and NetBIOS name from the school settings', async (t) => {
  t.same(deriveDomain({ uai: '0751234A', name: 'Collège' }, 'trousse'), {
    dnsDomain: 'e0751234a.lan',
    realm: 'E0751234A.LAN',
    netbiosName: 'E0751234A',
    baseDn: 'DC=e0751234a,DC=lan',
    hostName: 'trousse',
    fqdn: 'trousse.e0751234a.lan',
  });
  const d = deriveDomain({ uai: '0751234A', name: 'C', dnsDomain: 'College-Jean-Moulin-De-Paris.ac-paris.lan' }, 'srv');
  t.equal(d.realm, 'COLLEGE-JEAN-MOULIN-DE-PARIS.AC-PARIS.LAN');
  t.equal(d.netbiosName, 'COLLEGE-JEAN-MO', 'cut to 15 characters');
  t.equal(d.baseDn, 'DC=college-jean-moulin-de-paris,DC=ac-paris,DC=lan');
  t.equal(deriveDomain({ uai: '0751234A', name: 'C', netbiosName: 'moulin' }, 'srv').netbiosName, 'MOULIN');
  t.throws(() => deriveDomain({ uai: '0751234A', name: 'C', dnsDomain: '123.lan' }, 'srv'), { code: 'DOMAIN_NETBIOS_INVALID' });
  t.throws(() => deriveDomain({ uai: '0751234A', name: 'C', netbiosName: 'TROUSSE' }, 'trousse'), { code: 'DOMAIN_HOST_CLASH' });
});

t.test('DN values are escaped (RFC 4514)', async (t) => {
  t.equal(escapeDnValue('Dupont, Jean'), 'Dupont\\, Jean');
  t.equal(escapeDnValue('a+b=c;d<e>f"g\\h'), 'a\\+b\\=c\\;d\\<e\\>f\\"g\\\\h');
  t.equal(escapeDnValue(' #lead'), '\\ #lead');
  t.equal(escapeDnValue('#x'), '\\#x');
  t.equal(escapeDnValue('trail '), 'trail\\ ');
  t.equal(escapeDnValue('Zoé Lefèvre'), 'Zoé Lefèvre');
  t.equal(escapeDnValue('a\nb'), 'a\\0ab');
});

t.test('filter values are escaped (RFC 4515)', async (t) => {
  t.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  t.equal(escapeFilterValue('a\\b'), 'a\\5cb');
  t.equal(escapeFilterValue('\0'), '\\00');
  t.equal(escapeFilterValue('é'), '\\c3\\a9');
  t.equal(filter`(&(sAMAccountName=${'x*'})(uidNumber=${42}))`, '(&(sAMAccountName=x\\2a)(uidNumber=42))');
});
