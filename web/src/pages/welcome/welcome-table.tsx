import { Badge, Button, DataTable, When } from '../../components/ui';
import { chatLabel, type KnownChat } from './known-chats';
import type { WelcomeConfig } from './welcome-form';

function MessageCell({ text, enabled }: { text: string | null; enabled: boolean }) {
  if (!text) return <span className="muted">None</span>;
  return (
    <>
      <span className="pre-wrap">{text}</span> <Badge tone={enabled ? 'good' : 'neutral'}>{enabled ? 'On' : 'Off'}</Badge>
    </>
  );
}

/** The caller's welcome and goodbye configs, each with a way to edit it in the form or delete it. */
export function WelcomeTable({
  configs,
  chats,
  busy,
  onEdit,
  onDelete,
}: {
  configs: WelcomeConfig[];
  chats: KnownChat[] | undefined;
  busy: boolean;
  onEdit: (config: WelcomeConfig) => void;
  onDelete: (config: WelcomeConfig) => void;
}) {
  return (
    <DataTable
      caption="Welcome messages"
      rows={configs}
      rowKey={(c) => c.group_id}
      empty="No welcome messages yet: groups greet nobody."
      columns={[
        { header: 'Group', cell: (c) => (c.group_id === '_default' ? <>_default <span className="muted">(every other group)</span></> : chatLabel(c.group_id, chats)) },
        { header: 'Welcome message', cell: (c) => <MessageCell text={c.welcome_text} enabled={c.welcome_enabled} /> },
        { header: 'Goodbye message', cell: (c) => <MessageCell text={c.goodbye_text} enabled={c.goodbye_enabled} /> },
        {
          header: 'Enabled',
          cell: (c) => [c.welcome_enabled && 'welcome', c.goodbye_enabled && 'goodbye'].filter(Boolean).join(', ') || <span className="muted">neither</span>,
        },
        {
          header: 'Options',
          cell: (c) => (
            <>
              {c.burst_window_seconds === 0 ? 'each join greeted alone' : `over ${c.burst_joins} joins in ${c.burst_window_seconds} s greeted together`}
              {c.delete_previous && '; deletes the previous welcome'}
            </>
          ),
        },
        { header: 'Updated', cell: (c) => <When at={c.updated_at} /> },
        {
          header: 'Actions',
          cell: (c) => (
            <div className="row">
              <Button onClick={() => onEdit(c)}>Edit</Button>
              <Button variant="danger" disabled={busy} onClick={() => onDelete(c)}>
                Delete
              </Button>
            </div>
          ),
        },
      ]}
    />
  );
}
