import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { schemaTypes, servedOpenApiDocument, WEB_SCHEMA_FILE } from '../../../src/runtime/web-build';

describe("the dashboard's API types (web/src/api/schema.d.ts)", () => {
  it('are generated from the OpenAPI document the API serves now: a route changed without regenerating them fails here', async function () {
    this.timeout(60_000);
    const document = await servedOpenApiDocument();
    assert.ok(Object.keys(document.paths as object).includes('/api/session'), 'the document is the whole API');
    const expected = await schemaTypes(document);
    assert.ok(
      readFileSync(WEB_SCHEMA_FILE, 'utf8') === expected,
      'web/src/api/schema.d.ts is stale: run `npm run build:web` (or `npm start`), which regenerates it, and commit it',
    );
  });
});
