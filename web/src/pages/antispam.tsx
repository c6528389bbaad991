import { api, unwrap } from '../api/client';
import { useApi } from '../components/hooks';
import { ErrorNote, Loading, Page, Section } from '../components/ui';
import { AutomationLog } from './antispam/automation-log';
import { Bans } from './antispam/bans';
import { CheckForm } from './antispam/check-form';
import { SettingsForm } from './antispam/settings-form';
import { useKnownChats } from './welcome/known-chats';

/** Anti-spam: its settings, a dry check of a message, the ban list, and the automation log of what was done. */
export function AntispamPage() {
  const config = useApi(() => unwrap(api.GET('/api/antispam/config')), []);
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const chats = useKnownChats();
  const accountList = accounts.data?.accounts ?? [];

  return (
    <Page title="Anti-spam">
      <Section title="Settings">
        <ErrorNote error={config.error} />
        {config.data ? <SettingsForm config={config.data.config} /> : !config.error && <Loading what="Loading the settings" />}
      </Section>
      <Section title="Check a message">
        <CheckForm chats={chats.data} />
      </Section>
      <Section title="Banned users">
        <ErrorNote error={accounts.error} />
        <Bans accounts={accountList} chats={chats.data} />
      </Section>
      <Section title="Automation log">
        <AutomationLog accounts={accountList} />
      </Section>
    </Page>
  );
}
