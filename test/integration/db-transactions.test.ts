import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { transactionRetryingConflicts } from '../../src/db/knex';
import { getStack } from '../support/stack';

/** Makes PostgreSQL itself fail the transaction with SQLSTATE `code`, as a deadlock's victim would. */
const failWith = (trx: Knex, code: string) => trx.raw(`do $$ begin raise exception 'conflict' using errcode = '${code}'; end $$`);

describe('transactionRetryingConflicts', () => {
  let db: Knex;

  before(async () => {
    db = (await getStack()).db;
  });

  it('runs a deadlock victim again, and only the committed attempt leaves its rows', async () => {
    const table = `retried_${Date.now()}`;
    await db.schema.createTable(table, (t) => t.integer('attempt'));
    let attempts = 0;
    const answer = await transactionRetryingConflicts(db, async (trx) => {
      attempts++;
      await trx(table).insert({ attempt: attempts });
      if (attempts === 1) await failWith(trx, '40P01');
      if (attempts === 2) await failWith(trx, '40001');
      return 'done';
    });
    assert.equal(answer, 'done');
    assert.equal(attempts, 3);
    assert.deepEqual(await db(table).select('attempt'), [{ attempt: 3 }]);
    await db.schema.dropTable(table);
  });

  it('gives up after its attempts, and never retries another error', async () => {
    let attempts = 0;
    await assert.rejects(
      transactionRetryingConflicts(db, async (trx) => {
        attempts++;
        await failWith(trx, '40P01');
      }),
      (err: { code?: string }) => err.code === '40P01',
    );
    assert.equal(attempts, 3);
    attempts = 0;
    await assert.rejects(
      transactionRetryingConflicts(db, async (trx) => {
        attempts++;
        await failWith(trx, '23505');
      }),
      (err: { code?: string }) => err.code === '23505',
    );
    assert.equal(attempts, 1);
  });
});
