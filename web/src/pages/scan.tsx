/**
 * Scan & discover: message search, search-and-reply and group discovery on one of the caller's
 * accounts, picked once at the top. Each runs as a scan job; its section polls the job and shows
 * its results.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import { useApi } from '../components/hooks';
import { ErrorNote, Loading, Page, SelectField } from '../components/ui';
import { accountLabel, loadAccounts, type Account } from '../components/accounts';
import { DiscoverSection } from './scan/discover';
import { ScanMessagesSection } from './scan/messages';
import { SearchReplySection } from './scan/search-reply';

export function ScanPage() {
  const accounts = useApi(loadAccounts, []);
  return (
    <Page title="Scan & discover">
      <ErrorNote error={accounts.error} />
      {accounts.loading && !accounts.data && <Loading what="Loading accounts" />}
      {accounts.data && <ScanSections accounts={accounts.data} />}
    </Page>
  );
}

function ScanSections({ accounts }: { accounts: Account[] }) {
  const firstUsable = accounts.find((a) => a.connected) ?? accounts[0];
  const [chosen, setChosen] = useState(firstUsable?.id ?? '');
  // The chosen account may have been removed since; fall back to the first one.
  const accountId = accounts.some((a) => a.id === chosen) ? chosen : (firstUsable?.id ?? '');

  if (accounts.length === 0) {
    return (
      <p>
        No account yet: <Link href="~/accounts">connect one</Link> to scan its chats.
      </p>
    );
  }
  return (
    <>
      {/* A plain card: a region named "Account" would be one more match of the label "Account". */}
      <div className="card">
        <SelectField
          label="Account"
          value={accountId}
          onChange={setChosen}
          options={accounts.map((a) => ({ value: a.id, label: accountLabel(a) }))}
        />
        <p className="muted">Every scan below runs on this account, through its own session.</p>
      </div>
      <ScanMessagesSection accountId={accountId} />
      <SearchReplySection accountId={accountId} />
      <DiscoverSection accountId={accountId} />
    </>
  );
}
