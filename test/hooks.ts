import { stopStack } from './support/stack';

/** Root hooks: whatever stack a test started is stopped once, after every test. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopStack();
  },
};
