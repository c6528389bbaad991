import { api, unwrap, type paths } from '../api/client';

export type Account = paths['/api/v1/accounts']['get']['responses'][200]['content']['application/json']['accounts'][number];

/** The caller's accounts, as every Account picker lists them. */
export async function loadAccounts(): Promise<Account[]> {
  return (await unwrap(api.GET('/api/v1/accounts'))).accounts;
}

/** How an account reads in a picker: its name, platform, and what keeps it from working. */
export function accountLabel(account: Account): string {
  const notes = [account.platform === 'telegram' ? 'Telegram' : 'WhatsApp'];
  if (account.sandbox) notes.push('sandbox');
  if (!account.connected) notes.push(account.status);
  return `${account.name} (${notes.join(', ')})`;
}
