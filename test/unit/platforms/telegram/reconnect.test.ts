import assert from 'node:assert/strict';
import { UpdateConnectionState } from 'telegram/network';
import { ConnectionSupervisor } from '../../../../src/platforms/telegram/reconnect';
import { settle } from './stub-client';

function fakeConnection(results: boolean[]) {
  const state = { connected: false, connects: 0, recoveries: 0 };
  return {
    state,
    connection: {
      isConnected: () => state.connected,
      connect: async () => {
        state.connects += 1;
        const ok = results.shift() ?? true;
        if (!ok) throw new Error('connect ECONNREFUSED');
        state.connected = true;
        return true;
      },
      onRecovered: async () => {
        state.recoveries += 1;
      },
    },
  };
}

const fast = { graceMs: 5, initialDelayMs: 5, maxDelayMs: 20 };

describe('ConnectionSupervisor', () => {
  it('leaves reconnecting to GramJS when it recovers within the grace period', async () => {
    const { state, connection } = fakeConnection([]);
    const supervisor = new ConnectionSupervisor(connection, { ...fast, graceMs: 50 });
    supervisor.onState(UpdateConnectionState.disconnected);
    assert.equal(supervisor.isDown, true);
    supervisor.onState(UpdateConnectionState.connected);
    await settle(80);
    assert.deepEqual(state, { connected: false, connects: 0, recoveries: 1 });
    assert.equal(supervisor.isDown, false);
  });

  it('retries connect with backoff after the grace period until it succeeds, recovering once', async () => {
    const { state, connection } = fakeConnection([false, false, false]);
    const supervisor = new ConnectionSupervisor(connection, fast);
    supervisor.onState(UpdateConnectionState.disconnected);
    supervisor.onState(UpdateConnectionState.broken);
    await settle(200);
    assert.equal(state.connects, 4);
    assert.equal(state.recoveries, 1);
    assert.equal(supervisor.isDown, false);
  });

  it('does not catch up when the connection never dropped', async () => {
    const { state, connection } = fakeConnection([]);
    const supervisor = new ConnectionSupervisor(connection, fast);
    supervisor.onState(UpdateConnectionState.connected);
    await settle(20);
    assert.equal(state.recoveries, 0);
  });

  it('stops retrying once stopped', async () => {
    const { state, connection } = fakeConnection([false, false, false, false, false]);
    const supervisor = new ConnectionSupervisor(connection, fast);
    supervisor.onState(UpdateConnectionState.disconnected);
    await settle(12);
    supervisor.stop();
    const attempts = state.connects;
    await settle(80);
    assert.equal(state.connects, attempts);
    assert.equal(state.recoveries, 0);
  });
});
