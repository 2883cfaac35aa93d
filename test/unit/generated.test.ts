/** Generated artefacts must not drift from their single source of truth. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSchemas } from '../../scripts/gen-schemas';
import { renderCatalog, REFERENCE, OUTPUT } from '../../scripts/gen-catalog';

const root = resolve(import.meta.dirname, '../..');

test('schemas/*.json match the zod schemas (run `npm run gen` after changing them)', () => {
  for (const [file, text] of Object.entries(renderSchemas())) {
    assert.equal(readFileSync(resolve(root, file), 'utf8'), text, `${file} drifted`);
  }
});

test('the accelerator catalog matches shared/reference/accelerators.json', (t) => {
  if (!existsSync(REFERENCE)) {
    t.skip(`${REFERENCE} not present beside the checkout; catalog drift not checked`);
    return;
  }
  assert.equal(readFileSync(OUTPUT, 'utf8'), renderCatalog(readFileSync(REFERENCE, 'utf8')));
});
