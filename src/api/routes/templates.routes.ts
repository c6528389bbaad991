import { z } from 'zod';
import { insertTemplate, listTemplates } from '../../db/repos/templates.repo';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import { TEMPLATE_VARIABLES, unknownVariables } from '../../domain/templates';
import { changeTemplate, deleteOwnTemplate } from '../../services/templates';
import type { ApiDeps, Caller } from '../context';
import { present } from '../presenters';
import { idParam, ok, route } from '../route';
import { TemplateResponses } from './resources.responses';
import { keptText } from '../schemas/text';

const TemplateName = z.string().trim().min(1).max(100);
const TemplateContent = keptText(MAX_MESSAGE_LENGTH).superRefine((content, ctx) => {
    const unknown = unknownVariables(content);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown variables ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${Object.keys(TEMPLATE_VARIABLES)
          .map((v) => `{{${v}}}`)
          .join(', ')}`,
      });
    }
  });

const CreateTemplateBody = z.object({ name: TemplateName, content: TemplateContent });
const UpdateTemplateBody = z
  .object({ name: TemplateName.optional(), content: TemplateContent.optional() })
  .refine((b) => b.name !== undefined || b.content !== undefined, 'give name or content');

/** Message templates; variables are rendered per target when a broadcast sends. */
export function templateRoutes({ db }: ApiDeps) {
  const list = async (caller: Caller) => {
    const templates = await listTemplates(db, caller.scope);
    return ok({ templates: templates.map(present.template), count: templates.length });
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/templates',
      summary: "The caller's message templates",
      tag: 'Templates',
      operationId: 'listTemplates',
      responses: { 200: TemplateResponses.list },
      handler: ({ caller }) => list(caller),
    }),
    route({
      method: 'get',
      path: '/api/templates',
      summary: "The caller's message templates (legacy path)",
      tag: 'Legacy',
      operationId: 'listTemplatesLegacy',
      responses: { 200: TemplateResponses.list },
      handler: ({ caller }) => list(caller),
    }),
    route({
      method: 'post',
      path: '/api/templates',
      summary: `Create a message template; variables: ${Object.keys(TEMPLATE_VARIABLES).map((v) => `{{${v}}}`).join(', ')}`,
      tag: 'Templates',
      operationId: 'createTemplate',
      responses: { 201: TemplateResponses.created },
      body: CreateTemplateBody,
      idempotent: true,
      handler: async ({ body, caller }) => {
        const template = await insertTemplate(db, { userId: caller.user.id, ...body });
        return ok({ id: template.id, template: present.template(template) }, 201);
      },
    }),
    route({
      method: 'put',
      path: '/api/templates/:id',
      summary: 'Change a template’s name or content',
      tag: 'Templates',
      operationId: 'updateTemplate',
      responses: { 200: TemplateResponses.one },
      body: UpdateTemplateBody,
      handler: async ({ params, body, caller }) => {
        const template = await changeTemplate(db, caller.scope, idParam(params), body);
        return ok({ template: present.template(template) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/templates/:id',
      summary: 'Delete a template no broadcast uses',
      tag: 'Templates',
      operationId: 'deleteTemplate',
      responses: { 200: TemplateResponses.deleted },
      errors: [409],
      handler: async ({ params, caller }) => ok({ deleted: await deleteOwnTemplate(db, caller.scope, idParam(params)) }),
    }),
  ];
}
