import type { Knex } from 'knex';

/**
 * One outbox for everything AutoHub asks of Temporal on behalf of a database change: workflow
 * starts (as `workflow_starts` held them) and now schedule syncs. Each operation is written in the
 * transaction of the change that needs it and carried out after the commit; it counts its
 * attempts, backs off, keeps its last error, and is given up after a bounded number of attempts.
 *
 * Starts pending in `workflow_starts` are moved over for the namespace `default` (the only one
 * AutoHub ran in before). Runs fix whether their text came from a template (its variables are rendered per target), and
 * a broadcast keeps the reason its schedule could not be brought in line.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('temporal_outbox', (t) => {
    t.bigIncrements('id');
    // The Temporal namespace the operation is for: only that namespace's dispatchers carry it out.
    t.text('namespace').notNullable();
    t.text('kind').notNullable().checkIn(['start_workflow', 'sync_schedule']);
    // The workflow id of a start, the broadcast id of a schedule sync.
    t.text('subject').notNullable();
    t.jsonb('payload').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['namespace', 'next_attempt_at', 'id']);
  });
  // A workflow is asked to start once; prefix look-ups (a broadcast's pending runs) use the pattern index.
  await knex.raw(`create unique index temporal_outbox_start_subject on temporal_outbox (namespace, subject) where kind = 'start_workflow'`);
  await knex.raw('create index temporal_outbox_subject_pattern on temporal_outbox (subject text_pattern_ops)');
  await knex.raw(`
    insert into temporal_outbox (namespace, kind, subject, payload, created_at)
    select 'default', 'start_workflow', workflow_id,
           jsonb_build_object('workflowId', workflow_id, 'workflowType', workflow_type, 'taskQueue', task_queue,
                              'args', args, 'memo', memo, 'searchAttributes', '{}'::jsonb),
           created_at
    from workflow_starts order by id`);
  await knex.schema.dropTable('workflow_starts');

  await knex.schema.alterTable('broadcast_runs', (t) => {
    t.boolean('from_template').notNullable().defaultTo(false);
  });
  await knex.raw(`update broadcast_runs r set from_template = true from broadcasts b where b.id = r.broadcast_id and b.template_id is not null`);
  await knex.schema.alterTable('broadcasts', (t) => {
    t.text('schedule_error');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('broadcasts', (t) => t.dropColumn('schedule_error'));
  await knex.schema.alterTable('broadcast_runs', (t) => t.dropColumn('from_template'));
  await knex.schema.createTable('workflow_starts', (t) => {
    t.bigIncrements('id');
    t.text('workflow_id').notNullable().unique();
    t.text('workflow_type').notNullable();
    t.text('task_queue').notNullable();
    t.jsonb('args').notNullable();
    t.jsonb('memo').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    insert into workflow_starts (workflow_id, workflow_type, task_queue, args, memo, created_at)
    select subject, payload->>'workflowType', payload->>'taskQueue', payload->'args', payload->'memo', created_at
    from temporal_outbox where kind = 'start_workflow' order by id`);
  await knex.schema.dropTable('temporal_outbox');
}
