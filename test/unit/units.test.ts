import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCount, formatDuration, formatSci, formatUsd, parseQuantity } from '../../server/src/core/units';

const ok = (s: unknown) => {
  const r = parseQuantity(s);
  assert.ok(r.ok, `${String(s)}: ${r.ok ? '' : r.reason}`);
  return r.value;
};

test('the quantities people write', () => {
  assert.equal(ok('300B'), 300e9);
  assert.equal(ok('1.4T'), 1.4e12);
  assert.equal(ok('15.6T'), 15.6e12);
  assert.equal(ok('2e12'), 2e12);
  assert.equal(ok('150_001'), 150001);
  assert.equal(ok('"5e12"'), 5e12);
  assert.equal(ok('70B'), 70e9);
  assert.equal(ok('125M'), 125e6);
  assert.equal(ok('4k'), 4000);
  assert.equal(ok('1,024'), 1024);
  assert.equal(ok(4096), 4096);
  assert.equal(ok(' 8b '), 8e9);
});

test('rejects what is not a number, with a reason', () => {
  for (const bad of ['abc', '', '1e400', 'NaN', '12GB', '1__0', '_1', '1.2.3', 'B', null, undefined, {}, Number.NaN, Number.POSITIVE_INFINITY]) {
    const r = parseQuantity(bad);
    assert.equal(r.ok, false, String(bad));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('formatting for humans', () => {
  assert.equal(formatCount(174.56e9), '174.6B');
  assert.equal(formatCount(8.03e9), '8.03B');
  assert.equal(formatSci(3.14e23), '3.14e23');
  assert.equal(formatUsd(4.6e6), '$4.6M');
  assert.equal(formatDuration(12.3), '12.3 days');
  assert.equal(formatCount(null), '—');
});

test('property: parse never throws and never returns a non-finite value', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null)), (x) => {
      const r = parseQuantity(x);
      if (r.ok) assert.ok(Number.isFinite(r.value));
    }),
    { numRuns: 2000 },
  );
});

test('property: a formatted count parses back within rounding', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e3, max: 9e14, noNaN: true }), (x) => {
      const back = ok(formatCount(x));
      assert.ok(Math.abs(back - x) / x < 0.006, `${x} → ${formatCount(x)} → ${back}`);
    }),
    { numRuns: 2000 },
  );
});
