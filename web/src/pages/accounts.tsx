import { Route, Switch } from 'wouter';
import { Page } from '../components/ui';
import { AccountDetailPage } from './accounts/account-detail';
import { AccountList, AddAccount } from './accounts/account-list';

/** The caller's Telegram and WhatsApp accounts (`/`), and each one's login, limits, profile and sandbox (`/:id`). */
export function AccountsPage() {
  return (
    <Switch>
      <Route path="/">
        <Page title="Accounts">
          <AccountList />
          <AddAccount />
        </Page>
      </Route>
      {/* Keyed by the id, so moving to another account starts its forms afresh. */}
      <Route path="/:id">{(params) => <AccountDetailPage key={params.id} id={params.id} />}</Route>
    </Switch>
  );
}
