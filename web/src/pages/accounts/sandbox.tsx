import { Section } from '../../components/ui';
import { SandboxFaultsForm } from './sandbox-faults';
import { InjectForm } from './sandbox-inject';
import { Outbox } from './sandbox-outbox';
import type { AccountDetail } from './types';

/** The simulated platform's controls of a sandbox account: what it "sent", events to inject, faults to suffer. */
export function SandboxSection({ account }: { account: AccountDetail }) {
  return (
    <Section title="Sandbox">
      <p className="muted">
        This account is simulated: nothing reaches {account.platform === 'telegram' ? 'Telegram' : 'WhatsApp'}. Its outbox shows what it would have done.
      </p>
      <Outbox accountId={account.id} />
      <InjectForm account={account} />
      <SandboxFaultsForm accountId={account.id} />
    </Section>
  );
}
