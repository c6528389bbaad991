import { useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import { useAction, useApi } from '../components/hooks';
import { ErrorNote, Loading, Notice, Page, Section } from '../components/ui';
import { useKnownChats } from './welcome/known-chats';
import { WelcomeForm, type WelcomeConfig } from './welcome/welcome-form';
import { WelcomeTable } from './welcome/welcome-table';

/** Welcome and goodbye messages per group (or `_default`), greeted with by the inbound pipeline. */
export function WelcomePage() {
  const list = useApi(() => unwrap(api.GET('/api/welcome-messages')), []);
  const chats = useKnownChats();
  const removal = useAction();
  const [deleted, setDeleted] = useState<string>();
  // The config the form edits; `round` re-mounts the form so it takes the chosen config's fields.
  const [editing, setEditing] = useState<{ config: WelcomeConfig | null; round: number }>({ config: null, round: 0 });
  const formBox = useRef<HTMLDivElement>(null);

  const edit = (config: WelcomeConfig) => {
    setEditing((e) => ({ config, round: e.round + 1 }));
    formBox.current?.scrollIntoView({ block: 'start' });
    formBox.current?.querySelector('input')?.focus();
  };

  const remove = (config: WelcomeConfig) =>
    void removal.run(async () => {
      setDeleted(undefined);
      const answer = await unwrap(api.DELETE('/api/welcome-messages/{group_id}', { params: { path: { group_id: config.group_id } } }));
      setDeleted(`Deleted the welcome message of ${answer.deleted}.`);
      list.reload();
    });

  return (
    <Page title="Welcome & goodbye">
      <Section title="Welcome messages">
        <p className="muted">
          A member who joins a group is welcomed with that group’s message, else with <code>_default</code>’s; one who leaves gets the goodbye.
        </p>
        <ErrorNote error={list.error} />
        <ErrorNote error={removal.error} />
        {deleted && <Notice>{deleted}</Notice>}
        {list.data ? (
          <WelcomeTable configs={list.data.configs} chats={chats.data} busy={removal.busy} onEdit={edit} onDelete={remove} />
        ) : (
          !list.error && <Loading what="Loading welcome messages" />
        )}
      </Section>
      <Section title="Set a welcome message">
        <div ref={formBox}>
          <p className="muted">Saving a group’s message replaces the one it had. Edit a row above to start from its settings.</p>
          <ErrorNote error={chats.error} />
          <WelcomeForm key={editing.round} initial={editing.config} chats={chats.data} onSaved={list.reload} />
        </div>
      </Section>
    </Page>
  );
}
