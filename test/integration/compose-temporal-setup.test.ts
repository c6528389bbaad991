import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { locateTemporalCli } from '../../src/temporal/dev-server';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/temporal/search-attributes';
import { environmentOf, readComposeFile, REPO_ROOT, STAND_IN_KEYS } from '../support/compose-file';
import { getStack, getTemporalClient } from '../support/stack';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'deploy/temporal/setup-namespace.sh');
const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

describe('deploy/temporal/setup-namespace.sh (docker-compose.yml’s temporal-namespace)', () => {
  it('creates the namespace with AutoHub’s search attributes, usable at once, and keeps them when run again', async function () {
    const cli = locateTemporalCli(process.env.TEMPORAL_CLI_PATH);
    // The admin-tools image brings its own CLI; here the script needs one on PATH.
    if (!cli) this.skip();
    this.timeout(120_000);
    const { temporalAddress } = await getStack();
    const { connection } = await getTemporalClient();
    const namespace = `compose-setup-${process.pid}-${Date.now()}`;
    await assert.rejects(connection.workflowService.describeNamespace({ namespace }), 'the namespace does not exist before');

    // The one-shot's own environment from docker-compose.yml, pointed at this run's Temporal.
    const env = {
      ...environmentOf(readComposeFile(STAND_IN_KEYS).services['temporal-namespace']!),
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      SETUP_PAUSE_SECONDS: '0.2',
      PATH: `${path.dirname(cli!)}${path.delimiter}${process.env.PATH}`,
      // The CLI looks for its config file under HOME (the image's user has one).
      HOME: tmpdir(),
    };
    const first = await run('sh', [SCRIPT], { env, encoding: 'utf8' });
    assert.match(first.stdout, new RegExp(`Namespace ${namespace} is ready`));

    const described = await connection.workflowService.describeNamespace({ namespace });
    assert.equal(described.namespaceInfo?.name, namespace);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of SEARCH_ATTRIBUTE_NAMES) assert.equal(listed.customAttributes?.[name], KEYWORD, `${name} is a Keyword attribute`);
    const query = SEARCH_ATTRIBUTE_NAMES.map((name) => `${name} = "x"`).join(' AND ');
    const page = await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
    assert.equal(page.executions.length, 0, 'a query on them is accepted (and finds nothing)');

    const again = await run('sh', [SCRIPT], { env, encoding: 'utf8' });
    assert.match(again.stdout, /is ready/);
    const relisted = await connection.operatorService.listSearchAttributes({ namespace });
    assert.deepEqual(Object.keys(relisted.customAttributes ?? {}).sort(), Object.keys(listed.customAttributes ?? {}).sort());
  });

  it('gives up, naming the step and the error, when Temporal cannot be reached', async () => {
    const env = { PATH: process.env.PATH, HOME: tmpdir(), TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'x', AUTOHUB_SEARCH_ATTRIBUTES: 'A', SETUP_ATTEMPTS: '2', SETUP_PAUSE_SECONDS: '0' };
    await assert.rejects(run('sh', [SCRIPT], { env, encoding: 'utf8' }), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /gave up after 2 attempts: Temporal at 127\.0\.0\.1:1 is serving/);
      return true;
    });
  });
});
