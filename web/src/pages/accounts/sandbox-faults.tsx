import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/hooks';
import { Checkbox, Form, TextArea, TextField } from '../../components/ui';
import { wholeNumber, type Faults } from './types';

/**
 * Faults the account's next sends suffer. The API can set them but not read them back, so the
 * form starts from none and shows what the last save left in force.
 */
export function SandboxFaultsForm({ accountId }: { accountId: string }) {
  const [seconds, setSeconds] = useState('0');
  const [sends, setSends] = useState('');
  const [forbidden, setForbidden] = useState('');
  const [disconnect, setDisconnect] = useState(false);
  const [peerFlood, setPeerFlood] = useState(false);
  const [inForce, setInForce] = useState<Faults>();
  const action = useAction();

  const save = async () => {
    const floodWaitSeconds = wholeNumber('FloodWait seconds', seconds);
    // Left empty, the API applies a FloodWait to the next send only; with no FloodWait, none.
    const floodWaitSends = sends.trim() === '' ? (floodWaitSeconds > 0 ? undefined : 0) : wholeNumber('FloodWait sends', sends);
    const body = {
      flood_wait_seconds: floodWaitSeconds,
      flood_wait_sends: floodWaitSends,
      forbidden_keys: forbidden
        .split(/[\n,]/)
        .map((key) => key.trim())
        .filter(Boolean),
      disconnect,
      peer_flood: peerFlood,
    };
    const answer = await unwrap(api.PUT('/api/v1/accounts/{id}/sandbox/faults', { params: { path: { id: accountId } }, body }));
    setInForce(answer.faults);
  };

  return (
    <>
      <h3>Faults</h3>
      <Form action={action} onSubmit={save} submitLabel="Save faults" label="Sandbox faults">
        <div className="grid">
          <TextField label="FloodWait seconds" type="number" min={0} step={1} value={seconds} onChange={setSeconds} hint="The next sends fail with a FloodWait of this long; 0 for none." />
          <TextField label="FloodWait sends" type="number" min={0} step={1} value={sends} onChange={setSends} hint="How many of the next sends; empty for one." />
        </div>
        <TextArea label="Forbidden targets" value={forbidden} onChange={setForbidden} hint="Chat keys, one a line: sends to them fail as forbidden." />
        <Checkbox label="Disconnect on the next send" checked={disconnect} onChange={setDisconnect} />
        <Checkbox label="PEER_FLOOD on the next send (marks the account restricted)" checked={peerFlood} onChange={setPeerFlood} />
      </Form>
      {inForce ? <FaultsInForce faults={inForce} /> : <p className="muted">No faults saved from this page yet.</p>}
    </>
  );
}

function FaultsInForce({ faults }: { faults: Faults }) {
  return (
    <div role="status">
      <p>In force now:</p>
      <dl className="figures">
        <dt>FloodWait</dt>
        <dd>{faults.flood_wait_sends > 0 ? `${faults.flood_wait_seconds} s on the next ${faults.flood_wait_sends} send(s)` : 'none'}</dd>
        <dt>Forbidden targets</dt>
        <dd>{faults.forbidden_keys.length > 0 ? faults.forbidden_keys.join(', ') : 'none'}</dd>
        <dt>Disconnect</dt>
        <dd>{faults.disconnect ? 'on the next send' : 'no'}</dd>
        <dt>PEER_FLOOD</dt>
        <dd>{faults.peer_flood ? 'on the next send' : 'no'}</dd>
      </dl>
    </div>
  );
}
