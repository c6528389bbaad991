import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction, type Loaded } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, Notice, Section, When } from '../../components/ui';
import type { Webhook } from './types';

type HookList = { webhooks: Webhook[]; count: number };

/** Whether a hook delivers, and if not why; a failing one says since when. */
function HookState({ hook }: { hook: Webhook }) {
  if (!hook.enabled) {
    return (
      <>
        <Badge tone="bad">disabled</Badge> <span>{hook.disabled_reason ?? 'disabled by its owner'}</span>
      </>
    );
  }
  if (hook.consecutive_failures > 0) {
    return (
      <>
        <Badge tone="warn">failing</Badge> {hook.consecutive_failures} failed in a row
        {hook.failing_since && (
          <>
            {' '}
            since <When at={hook.failing_since} />
          </>
        )}
      </>
    );
  }
  return <Badge tone="good">enabled</Badge>;
}

/** The outbound hooks with what can be done to each: a test event, recovery of failed deliveries, deletion. */
export function HooksTable({ loaded }: { loaded: Loaded<HookList> }) {
  const action = useAction();
  const [done, setDone] = useState<string>();
  const act = (what: () => Promise<string>) =>
    action.run(async () => {
      setDone(undefined);
      setDone(await what());
      loaded.reload();
    });
  const path = (hook: Webhook) => ({ params: { path: { id: hook.id } } });

  const sendTest = (hook: Webhook) =>
    act(async () => {
      await unwrap(api.POST('/api/webhooks/{id}/test', path(hook)));
      return `A webhook.test event is on its way to ${hook.name}: it shows in the delivery log.`;
    });

  // A disabled hook takes no recovery (409) until enabled again, so Recover does both: it enables
  // the hook, then sends again every failed delivery since the hook began failing.
  const recover = (hook: Webhook) => {
    const since = hook.failing_since ?? hook.created_at;
    const deliveries = `failed deliveries since ${new Date(since).toLocaleString()}`;
    const question = hook.enabled ? `Send the ${deliveries} of ${hook.name} again?` : `Enable ${hook.name} again and send its ${deliveries} again?`;
    if (!window.confirm(question)) return;
    void act(async () => {
      if (!hook.enabled) await unwrap(api.PUT('/api/webhooks/{id}', { ...path(hook), body: { enabled: true } }));
      const { recovered } = await unwrap(api.POST('/api/webhooks/{id}/recover', { ...path(hook), body: { since } }));
      return `${hook.name}: ${recovered} failed ${recovered === 1 ? 'delivery' : 'deliveries'} sent again.`;
    });
  };

  const remove = (hook: Webhook) => {
    if (!window.confirm(`Delete ${hook.name} and its delivery log?`)) return;
    void act(async () => {
      await unwrap(api.DELETE('/api/webhooks/{id}', path(hook)));
      return `${hook.name} deleted.`;
    });
  };

  return (
    <Section title="Outbound webhooks">
      <ErrorNote error={loaded.error} />
      <ErrorNote error={action.error} />
      {done && <Notice>{done}</Notice>}
      {!loaded.data ? (
        <Loading />
      ) : (
        <DataTable<Webhook>
          caption="Webhooks"
          rows={loaded.data.webhooks}
          rowKey={(h) => h.id}
          empty="No webhooks yet."
          columns={[
            { header: 'Name', cell: (h) => h.name },
            { header: 'URL', cell: (h) => <code>{h.url}</code> },
            { header: 'Events', cell: (h) => h.events.join(', ') },
            { header: 'State', cell: (h) => <HookState hook={h} /> },
            { header: 'Last success', cell: (h) => <When at={h.last_success_at} /> },
            {
              header: 'Actions',
              cell: (h) => (
                <div className="row">
                  {h.enabled && (
                    <Button onClick={() => void sendTest(h)} disabled={action.busy}>
                      Send test
                    </Button>
                  )}
                  {(!h.enabled || h.consecutive_failures > 0) && (
                    <Button onClick={() => recover(h)} disabled={action.busy}>
                      Recover
                    </Button>
                  )}
                  <Button variant="danger" onClick={() => remove(h)} disabled={action.busy}>
                    Delete
                  </Button>
                </div>
              ),
            },
          ]}
        />
      )}
    </Section>
  );
}
