import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { useApi } from '../components/hooks';
import { Page, ShownOnce } from '../components/ui';
import { CreateWebhook } from './webhooks/create-webhook';
import { DeliveryLog } from './webhooks/delivery-log';
import { HooksTable } from './webhooks/hooks-table';
import { InboundWebhooks } from './webhooks/inbound';

/** A hook's state changes on its own (disabled after failures, a success recorded): read again this often. */
const HOOKS_POLL_MS = 10_000;

/** Outbound webhooks (signed event deliveries, their log, replay and recovery) and inbound ones. */
export function WebhooksPage() {
  const hooks = useApi(() => unwrap(api.GET('/api/webhooks')), [], HOOKS_POLL_MS);
  const [secret, setSecret] = useState<{ label: string; secret: string }>();
  const hookList = hooks.data?.webhooks ?? [];
  return (
    <Page title="Webhooks">
      {secret && <ShownOnce label={secret.label} secret={secret.secret} />}
      <CreateWebhook
        onCreated={(name, signingSecret) => {
          setSecret({ label: `Signing secret of ${name}`, secret: signingSecret });
          hooks.reload();
        }}
      />
      <HooksTable loaded={hooks} />
      <DeliveryLog hooks={hookList} />
      <InboundWebhooks onSecret={(name, inboundSecret) => setSecret({ label: `Secret of inbound webhook ${name}`, secret: inboundSecret })} />
    </Page>
  );
}
