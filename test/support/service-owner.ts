/**
 * A process that owns one ServiceProcess and then ends the way argv[2] says, without stopping it:
 * `exit` (process.exit), `throw` (an uncaught exception). Prints the service's pid first.
 */
import { ServiceProcess } from '../../src/service-process';
import { SLEEPER } from './sleeper';

const service = new ServiceProcess({
  name: 'sleeper',
  command: process.execPath,
  args: ['-e', SLEEPER],
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 5_000,
  exitSignal: 'SIGKILL',
});
void service.waitForLine((line) => line === 'ready', 10_000, 'ready').then(() => {
  console.log(String(service.pid));
  if (process.argv[2] === 'throw') throw new Error('the owner crashed');
  process.exit(3);
});
