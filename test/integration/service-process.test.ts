import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ServiceProcess, type ServiceProcessOptions } from '../../src/service-process';
import { isRunning, processGroupOf } from '../support/autohub-start';
import { eventually } from '../support/http';
import { SLEEPER } from '../support/sleeper';

describe('ServiceProcess', () => {
  const started: ServiceProcess[] = [];
  const orphans: number[] = [];
  afterEach(async () => {
    for (const service of started.splice(0)) {
      if (!service.hasExited && service.pid) process.kill(-service.pid, 'SIGKILL');
      await service.exited;
    }
    // Servers of owners that did not take them along, when such a test fails.
    for (const pid of orphans.splice(0)) if (isRunning(pid)) process.kill(-pid, 'SIGKILL');
  });

  const sleeper = (options: Partial<ServiceProcessOptions> = {}) => {
    const service = new ServiceProcess({
      name: 'sleeper',
      command: process.execPath,
      args: ['-e', SLEEPER],
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 10_000,
      exitSignal: 'SIGKILL',
      ...options,
    });
    started.push(service);
    return service;
  };

  it('runs the server as the leader of a process group of its own', async () => {
    const service = sleeper();
    await service.waitForLine((line) => line === 'ready', 10_000, 'ready');
    assert.ok(service.pid);
    assert.equal(processGroupOf(service.pid), service.pid);
    assert.notEqual(processGroupOf(process.pid), service.pid);
  });

  it('stops it with its stop signal and waits until it has ended', async () => {
    const service = sleeper();
    await service.waitForLine((line) => line === 'ready', 10_000, 'ready');
    await service.stop();
    assert.ok(service.hasExited);
    assert.deepEqual(await service.exited, { code: 0, signal: null });
    assert.match(service.output, /got SIGTERM/);
    assert.ok(!isRunning(service.pid!));
  });

  it('kills its process group when the orderly stop takes too long', async () => {
    const service = sleeper({ env: { ...process.env, IGNORE_SIGTERM: '1' }, stopTimeoutMs: 300 });
    await service.waitForLine((line) => line === 'ready', 10_000, 'ready');
    await service.stop();
    assert.match(service.output, /got SIGTERM/);
    assert.equal((await service.exited).signal, 'SIGKILL');
  });

  it('fails the wait for readiness with its last output when it exits first', async () => {
    const service = sleeper({ args: ['-e', 'console.error("port 5432 is taken"); process.exit(2)'] });
    await assert.rejects(service.waitForLine((line) => line === 'ready', 10_000, 'ready'), (err: Error) => {
      assert.match(err.message, /^sleeper exited before ready \(code 2, signal null\)/);
      assert.match(err.message, /port 5432 is taken/);
      return true;
    });
  });

  it('reports a command that cannot run as a start error', async () => {
    const service = sleeper({ command: '/nonexistent/temporal' });
    const exit = await service.exited;
    assert.equal((exit.error as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
  });

  for (const ending of ['exit', 'throw']) {
    it(`never outlives its owner: an owner that ends with ${ending === 'exit' ? 'process.exit' : 'an uncaught exception'} takes it along`, async () => {
      const owner = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../support/service-owner.ts'), ending], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      owner.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      owner.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => owner.once('exit', resolve));
      const pid = Number(out.split('\n')[0]);
      assert.ok(pid > 0, `the owner printed no pid:\n${out}`);
      orphans.push(pid);
      assert.equal(code, ending === 'exit' ? 3 : 1, out);
      await eventually(async () => (isRunning(pid) ? undefined : true), 10_000, `the server ${pid} to end with its owner`);
    });
  }
});
