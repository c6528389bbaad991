import type { Knex } from 'knex';

/** Every feature that sends; see `src/services/send-runs.ts`. Kept in step with `SEND_ORIGINS` there. */
const ORIGINS = ['broadcast', 'search_reply', 'auto_reply', 'welcome', 'antispam', 'drip', 'ab_test', 'webhook'];

/**
 * One send path: the delivery ledger grows from broadcast runs to *send runs* of any origin.
 *
 * - `send_runs`: one per trigger of a feature, unique per account, origin and business key, so a
 *   repeated trigger finds the run it already made. Every broadcast run becomes the send run of the
 *   same id (in-flight workflows keep naming their run by it); a broadcast run's send run goes when
 *   the broadcast run does, as its ledger rows did.
 * - `deliveries` belong to a send run and carry what they send (text or template content, image).
 * - `search_replies` become the search-reply facts of a delivery (who, which message): a message is
 *   answered at most once (unique per account, chat and message), and the reply's status, client
 *   message id and error move to its delivery. Replies of one job form one send run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('send_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.fn.uuid());
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('origin').notNullable().checkIn(ORIGINS, 'send_runs_origin_check');
    t.text('business_key').notNullable();
    t.text('status').notNullable().defaultTo('running').checkIn(['running', 'completed', 'failed', 'cancelled']);
    t.integer('sent').notNullable().defaultTo(0);
    t.integer('failed').notNullable().defaultTo(0);
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.unique(['account_id', 'origin', 'business_key']);
  });

  // Broadcast runs: each becomes the send run of the same id, keyed by its workflow id.
  await knex.raw(`
    insert into send_runs (id, user_id, account_id, origin, business_key, status, sent, failed, error, created_at, finished_at)
    select r.id, b.user_id, b.account_id, 'broadcast', r.workflow_id, r.status, r.sent, r.failed, r.error, r.started_at, r.finished_at
    from broadcast_runs r join broadcasts b on b.id = r.broadcast_id`);
  await knex.schema.alterTable('broadcast_runs', (t) => {
    t.foreign('id', 'broadcast_runs_send_run_fk').references('send_runs.id').onDelete('CASCADE');
  });
  await knex.raw(`
    create function delete_broadcast_send_run() returns trigger language plpgsql as $$
    begin
      delete from send_runs where id = old.id;
      return old;
    end $$`);
  await knex.raw(`
    create trigger broadcast_runs_delete_send_run after delete on broadcast_runs
    for each row execute function delete_broadcast_send_run()`);

  // The ledger rows carry their content and belong to a send run (`run_id` now names a send run).
  await knex.schema.alterTable('deliveries', (t) => {
    t.text('text');
    t.boolean('from_template').notNullable().defaultTo(false);
    t.uuid('image_id').references('images.id').onDelete('RESTRICT').index();
  });
  await knex.raw(`
    update deliveries d set text = r.message, from_template = r.from_template, image_id = r.image_id
    from broadcast_runs r where r.id = d.run_id`);
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropForeign('run_id');
    t.foreign('run_id').references('send_runs.id').onDelete('CASCADE');
  });

  // Search-replies: one send run per job (a reply whose job is gone forms a run of its own).
  await knex.raw(`
    insert into send_runs (user_id, account_id, origin, business_key, status, sent, failed, created_at, finished_at)
    select a.user_id, g.account_id, 'search_reply', g.business_key,
           case when g.pending > 0 then 'running' else 'completed' end, g.sent, g.failed, g.created_at, g.finished_at
    from (select account_id, coalesce(job_id::text, 'search-reply-' || id) as business_key,
                 count(*) filter (where status = 'pending') as pending,
                 count(*) filter (where status = 'sent') as sent,
                 count(*) filter (where status = 'failed') as failed,
                 min(reserved_at) as created_at, max(sent_at) as finished_at
          from search_replies group by 1, 2) g
    join accounts a on a.id = g.account_id`);
  await knex.raw(`
    insert into deliveries (run_id, position, target_key, status, client_message_id, error, sent_at, text)
    select s.id, row_number() over (partition by s.id order by sr.id) - 1, sr.target_key, sr.status,
           sr.client_message_id, sr.error, sr.sent_at, coalesce(j.params->>'replyText', '')
    from search_replies sr
    join send_runs s on s.account_id = sr.account_id and s.origin = 'search_reply'
                    and s.business_key = coalesce(sr.job_id::text, 'search-reply-' || sr.id)
    left join scan_jobs j on j.id = sr.job_id`);
  await knex.schema.alterTable('deliveries', (t) => t.text('text').notNullable().alter());

  await knex.schema.alterTable('search_replies', (t) => {
    t.bigInteger('delivery_id').references('deliveries.id').onDelete('CASCADE');
  });
  await knex.raw(`
    update search_replies sr set delivery_id = d.id
    from send_runs s join deliveries d on d.run_id = s.id
    where s.account_id = sr.account_id and s.origin = 'search_reply'
      and s.business_key = coalesce(sr.job_id::text, 'search-reply-' || sr.id) and d.target_key = sr.target_key`);
  // The same message answered for two keyword sets (the defect this fixes): its first sent reply stays its claim.
  await knex.raw(`
    delete from search_replies where id in (
      select id from (
        select id, row_number() over (partition by account_id, chat_key, message_id
                                      order by (status = 'sent') desc, id) as n
        from search_replies) ranked
      where n > 1)`);
  await knex.schema.alterTable('search_replies', (t) => {
    t.dropUnique(['account_id', 'user_key', 'keywords_key']);
    t.dropColumns('status', 'client_message_id', 'error', 'sent_at');
    t.bigInteger('delivery_id').notNullable().alter();
    t.unique(['account_id', 'chat_key', 'message_id']);
    t.index(['account_id', 'user_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('search_replies', (t) => {
    t.dropIndex(['account_id', 'user_key']);
    t.dropUnique(['account_id', 'chat_key', 'message_id']);
    t.uuid('client_message_id');
    t.text('status');
    t.text('error');
    t.timestamp('sent_at', { useTz: true });
  });
  await knex.raw(`
    update search_replies sr set client_message_id = d.client_message_id, status = d.status, error = d.error, sent_at = d.sent_at
    from deliveries d where d.id = sr.delivery_id`);
  // The old ledger held one reply per user and keyword set: keep the newest.
  await knex.raw(`
    delete from search_replies where id in (
      select id from (
        select id, row_number() over (partition by account_id, user_key, keywords_key order by id desc) as n
        from search_replies) ranked
      where n > 1)`);
  await knex.schema.alterTable('search_replies', (t) => {
    t.dropColumn('delivery_id');
    t.uuid('client_message_id').notNullable().alter();
    t.text('status').notNullable().alter();
    t.unique(['account_id', 'user_key', 'keywords_key']);
  });
  await knex.raw(`alter table search_replies add constraint search_replies_status_check check (status in ('pending', 'sent', 'failed'))`);

  await knex('send_runs').whereNot({ origin: 'broadcast' }).delete();
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropForeign('run_id');
    t.foreign('run_id').references('broadcast_runs.id').onDelete('CASCADE');
    t.dropColumns('text', 'from_template', 'image_id');
  });
  await knex.raw('drop trigger broadcast_runs_delete_send_run on broadcast_runs');
  await knex.raw('drop function delete_broadcast_send_run()');
  await knex.schema.alterTable('broadcast_runs', (t) => t.dropForeign('id', 'broadcast_runs_send_run_fk'));
  await knex.schema.dropTable('send_runs');
}
