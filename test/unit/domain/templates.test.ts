import assert from 'node:assert/strict';
import { renderTemplate, timeValues, unknownVariables, usesTargetVariables } from '../../../src/domain/templates';

const values = { name: 'Crypto Hub', username: '@crypto_hub', date: '2026-11-23', time: '09:05', account: 'Main' };

describe('templates', () => {
  it('renders every known variable, tolerating spaces inside the braces', () => {
    assert.equal(
      renderTemplate('Hi {{name}} {{ username }} — {{account}}, {{date}} {{time}}', values),
      'Hi Crypto Hub @crypto_hub — Main, 2026-11-23 09:05',
    );
  });

  it('leaves unknown variables as written and lists them once', () => {
    assert.equal(renderTemplate('{{first}} {{name}}', values), '{{first}} Crypto Hub');
    assert.deepEqual(unknownVariables('{{a}} {{b}} {{a}} {{name}} {single}'), ['a', 'b']);
    assert.deepEqual(unknownVariables('plain text'), []);
  });

  it('tells when a template depends on the target', () => {
    assert.equal(usesTargetVariables('Hello {{name}}'), true);
    assert.equal(usesTargetVariables('Today is {{date}}'), false);
  });

  it('formats the date and time of a send in UTC', () => {
    assert.deepEqual(timeValues(new Date('2026-11-23T21:07:09Z')), { date: '2026-11-23', time: '21:07' });
  });
});
