/**
 * Auto-replies: the caller's keyword rules (answered by the inbound pipeline on every account they
 * scope to), a form adding one, and a tester showing which rule would answer a message.
 */
import { useApi } from '../components/hooks';
import { ErrorNote, Loading, Page } from '../components/ui';
import { api, unwrap } from '../api/client';
import { RuleForm } from './auto-replies/rule-form';
import { RuleTester } from './auto-replies/rule-tester';
import { RulesSection } from './auto-replies/rules-table';
import { loadAccounts } from '../components/accounts';

export function AutoRepliesPage() {
  const rules = useApi(async () => (await unwrap(api.GET('/api/auto-replies'))).rules, []);
  // Accounts only name the rules' scope: without them the page still works, with "All accounts" alone.
  const accounts = useApi(loadAccounts, []);
  const accountList = accounts.data ?? [];
  return (
    <Page title="Auto-replies">
      <ErrorNote error={rules.error} />
      <ErrorNote error={accounts.error} />
      {rules.data ? <RulesSection rules={rules.data} accounts={accountList} onChanged={rules.reload} /> : !rules.error && <Loading what="Loading rules" />}
      <RuleForm accounts={accountList} onAdded={rules.reload} />
      <RuleTester accounts={accountList} />
    </Page>
  );
}
