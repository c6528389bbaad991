import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Badge, Button, DataTable, ErrorNote, Loading, Section } from '../../components/ui';
import { describeAction, useInboundChoices } from './inbound-choices';
import { InboundForm } from './inbound-form';
import { InboundReceipts } from './inbound-receipts';
import type { InboundHook } from './types';

/** Inbound webhooks: URLs outside systems POST to, each running an action; their receipts on demand. */
export function InboundWebhooks({ onSecret }: { onSecret: (name: string, secret: string) => void }) {
  const hooks = useApi(() => unwrap(api.GET('/api/inbound-webhooks')), []);
  const choices = useInboundChoices();
  const [shown, setShown] = useState<string>();
  const action = useAction();
  const remove = (hook: InboundHook) => {
    if (!window.confirm(`Delete ${hook.name}? Its URL answers 404 from then on, and its receipts go.`)) return;
    void action.run(async () => {
      await unwrap(api.DELETE('/api/inbound-webhooks/{id}', { params: { path: { id: hook.id } } }));
      if (shown === hook.id) setShown(undefined);
      hooks.reload();
    });
  };
  const receiptsOf = hooks.data?.webhooks.find((h) => h.id === shown);

  return (
    <Section title="Inbound webhooks">
      <p className="muted">
        Outside systems (a shop, a form, Zapier) POST JSON to a hook's URL, without an API key; each request runs the hook's action. A hook with a secret takes only
        requests signed per Standard Webhooks.
      </p>
      <ErrorNote error={choices.error} />
      <InboundForm
        choices={choices}
        onCreated={(name, secret) => {
          if (secret) onSecret(name, secret);
          hooks.reload();
        }}
      />
      <h3>Your inbound webhooks</h3>
      <ErrorNote error={hooks.error ?? action.error} />
      {!hooks.data ? (
        <Loading />
      ) : (
        <DataTable<InboundHook>
          caption="Inbound webhooks"
          rows={hooks.data.webhooks}
          rowKey={(h) => h.id}
          empty="No inbound webhooks yet."
          columns={[
            { header: 'Name', cell: (h) => h.name },
            { header: 'URL to POST to', cell: (h) => <code>{h.url}</code> },
            { header: 'Action', cell: (h) => describeAction(h.action, choices) },
            { header: 'Signed', cell: (h) => (h.signed ? <Badge tone="good">signed requests only</Badge> : <Badge>unsigned</Badge>) },
            { header: 'State', cell: (h) => (h.enabled ? <Badge tone="good">enabled</Badge> : <Badge tone="bad">disabled</Badge>) },
            {
              header: 'Actions',
              cell: (h) => (
                <div className="row">
                  <Button onClick={() => setShown(shown === h.id ? undefined : h.id)} aria-expanded={shown === h.id}>
                    {shown === h.id ? 'Hide receipts' : 'Receipts'}
                  </Button>
                  <Button variant="danger" onClick={() => remove(h)} disabled={action.busy}>
                    Delete
                  </Button>
                </div>
              ),
            },
          ]}
        />
      )}
      {receiptsOf && <InboundReceipts hook={receiptsOf} />}
    </Section>
  );
}
