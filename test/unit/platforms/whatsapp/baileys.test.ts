import assert from 'node:assert/strict';
import { loadBaileys } from '../../../../src/platforms/whatsapp/baileys';

describe('whatsapp baileys loader', () => {
  it('loads the ESM-only Baileys module from CommonJS code', async () => {
    const baileys = await loadBaileys();
    assert.equal(typeof baileys.makeWASocket, 'function');
    assert.equal(typeof baileys.BufferJSON.reviver, 'function');
    assert.equal(baileys.DisconnectReason.restartRequired, 515);
  });

  it('returns the same module on every call', async () => {
    const [first, second] = await Promise.all([loadBaileys(), loadBaileys()]);
    assert.equal(first, second);
    assert.equal(await loadBaileys(), first);
  });
});
