import { ldapReplace } from '../dc/attrs.ts';
import type { LdapConnection } from '../dc/ldap.ts';
import type { PasswordPolicy } from './settings.ts';

/** AD intervals are negative counts of 100 ns; "never" is the most negative 64-bit number. */
const NEVER = '-9223372036854775808';
const minutes = (m: number): string => String(-BigInt(m) * 600_000_000n);
const days = (d: number): string => (d === 0 ? NEVER : String(-BigInt(d) * 864_000_000_000n));

export interface AppliedPolicy {
  minPwdLength: number;
  complexity: boolean;
  pwdHistoryLength: number;
  maxPwdAge: string;
  lockoutThreshold: number;
  lockoutDuration: string;
}

/**
 * Applies the password policy: the domain's own (what every account gets, pupils included) on the
 * domain root, and a password settings object (fine-grained policy) with the staff minimum on the
 * teachers' and staff groups.
 */
export async function applyPolicy(
  ldap: LdapConnection,
  baseDn: string,
  policy: PasswordPolicy,
  pso: { name: string; groupDns: string[] },
): Promise<void> {
  const [dom] = await ldap.search(baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdProperties'] });
  const props = Number(dom?.pwdProperties ?? 0);
  const pwdProperties = policy.complexity ? props | 1 : props & ~1;
  const lockout = minutes(policy.lockoutMinutes);
  const replace = (type: string, value: string) => ldapReplace(type, [value]);
  await ldap.withClient(async (c) => {
    await c.modify(baseDn, [
      replace('minPwdLength', String(policy.minLength)),
      replace('pwdProperties', String(pwdProperties)),
      replace('pwdHistoryLength', String(policy.historyLength)),
      replace('maxPwdAge', days(policy.maxAgeDays)),
      replace('minPwdAge', '0'),
      replace('lockoutThreshold', String(policy.lockoutThreshold)),
      replace('lockoutDuration', lockout),
      replace('lockOutObservationWindow', lockout),
    ]);
    const psoDn = `CN=${pso.name},CN=Password Settings Container,CN=System,${baseDn}`;
    const attrs: Record<string, string> = {
      'msDS-PasswordSettingsPrecedence': '10',
      'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
      'msDS-PasswordHistoryLength': String(policy.historyLength),
      'msDS-PasswordComplexityEnabled': policy.complexity ? 'TRUE' : 'FALSE',
      'msDS-MinimumPasswordLength': String(policy.staffMinLength),
      'msDS-MinimumPasswordAge': '0',
      'msDS-MaximumPasswordAge': days(policy.maxAgeDays),
      'msDS-LockoutThreshold': String(policy.lockoutThreshold),
      'msDS-LockoutObservationWindow': lockout,
      'msDS-LockoutDuration': lockout,
    };
    const exists = (await c.search(psoDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['cn'] }).catch(() => null))?.searchEntries.length;
    if (!exists) {
      await c.add(psoDn, {
        objectClass: ['top', 'msDS-PasswordSettings'],
        ...attrs,
        ...(pso.groupDns.length > 0 ? { 'msDS-PSOAppliesTo': pso.groupDns } : {}),
      });
    } else {
      await c.modify(psoDn, [
        ...Object.entries(attrs).map(([k, v]) => replace(k, v)),
        ldapReplace('msDS-PSOAppliesTo', pso.groupDns),
      ]);
    }
  });
}

/** Reads back what the DC enforces (for tests and the console). */
export async function readPolicy(ldap: LdapConnection, baseDn: string): Promise<AppliedPolicy> {
  const [d] = await ldap.search(baseDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['minPwdLength', 'pwdProperties', 'pwdHistoryLength', 'maxPwdAge', 'lockoutThreshold', 'lockoutDuration'],
  });
  return {
    minPwdLength: Number(d?.minPwdLength),
    complexity: (Number(d?.pwdProperties) & 1) === 1,
    pwdHistoryLength: Number(d?.pwdHistoryLength),
    maxPwdAge: String(d?.maxPwdAge),
    lockoutThreshold: Number(d?.lockoutThreshold),
    lockoutDuration: String(d?.lockoutDuration),
  };
}
