/** The caller's rules as a table, each with its enable/disable toggle and "Delete". */
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Section } from '../../components/ui';
import type { Account } from '../../components/accounts';
import { CHAT_TYPE_LABELS, matchLabel, type Rule } from './rules';

export function RulesSection({ rules, accounts, onChanged }: { rules: Rule[]; accounts: Account[]; onChanged: () => void }) {
  const action = useAction();
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? id;

  const setEnabled = (rule: Rule, enabled: boolean) =>
    action.run(async () => {
      await unwrap(api.PUT('/api/auto-replies/{rule_id}', { params: { path: { rule_id: rule.id } }, body: { enabled } }));
      onChanged();
    });
  const remove = (rule: Rule) =>
    action.run(async () => {
      await unwrap(api.DELETE('/api/auto-replies/{rule_id}', { params: { path: { rule_id: rule.id } } }));
      onChanged();
    });

  return (
    <Section title="Your rules">
      <p className="muted">The first matching rule answers, lowest priority first.</p>
      <ErrorNote error={action.error} />
      <DataTable<Rule>
        caption="Rules"
        rows={rules}
        rowKey={(r) => r.id}
        empty="No rule yet: add one below."
        columns={[
          { header: 'Keyword', cell: (r) => <code>{r.keyword}</code> },
          {
            header: 'Match',
            cell: (r) => (
              <>
                {matchLabel(r.match_mode)}
                {r.case_sensitive && <span className="muted">, case sensitive</span>}
                {r.accent_sensitive && <span className="muted">, accent sensitive</span>}
              </>
            ),
          },
          { header: 'Reply', cell: (r) => r.response },
          { header: 'Scope', cell: (r) => <Scope rule={r} accountName={accountName} /> },
          { header: 'Answers', cell: (r) => (r.reply_in === 'chat' ? 'in the chat' : 'privately') },
          { header: 'Priority', cell: (r) => r.priority },
          { header: 'Cooldown', cell: (r) => <Cooldowns rule={r} /> },
          { header: 'State', cell: (r) => (r.enabled ? <Badge tone="good">enabled</Badge> : <Badge>disabled</Badge>) },
          {
            header: 'Actions',
            cell: (r) => (
              <div className="row">
                <Button onClick={() => void setEnabled(r, !r.enabled)} disabled={action.busy}>
                  {r.enabled ? 'Disable' : 'Enable'}
                </Button>
                <Button variant="danger" onClick={() => void remove(r)} disabled={action.busy}>
                  Delete
                </Button>
              </div>
            ),
          },
        ]}
      />
    </Section>
  );
}

function Scope({ rule, accountName }: { rule: Rule; accountName: (id: string) => string }) {
  const where = rule.answers_in.map((t) => CHAT_TYPE_LABELS[t].toLowerCase()).join(', ') || 'no chat';
  return (
    <>
      {rule.account_id ? accountName(rule.account_id) : 'All accounts'}
      {rule.platform && <> ({rule.platform === 'telegram' ? 'Telegram' : 'WhatsApp'})</>}
      <br />
      <span className="muted">
        in {where}
        {rule.catch_all && rule.chat_types === null && ' (matches any text)'}
      </span>
      {rule.allow_chats.length > 0 && (
        <>
          <br />
          <span className="muted">only {rule.allow_chats.join(', ')}</span>
        </>
      )}
      {rule.deny_chats.length > 0 && (
        <>
          <br />
          <span className="muted">never {rule.deny_chats.join(', ')}</span>
        </>
      )}
    </>
  );
}

function Cooldowns({ rule }: { rule: Rule }) {
  return (
    <>
      {rule.cooldown_seconds} s per sender
      {rule.chat_cooldown_seconds !== null && (
        <>
          <br />
          {rule.chat_cooldown_seconds} s per chat
        </>
      )}
      {rule.account_cooldown_seconds !== null && (
        <>
          <br />
          {rule.account_cooldown_seconds} s overall
        </>
      )}
    </>
  );
}
