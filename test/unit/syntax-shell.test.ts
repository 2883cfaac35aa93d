/** Launch shell scripts → flags as entries with exact ranges (server/src/dialects/syntax/shell.ts). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatFromFileName, parseConfig, parseShell } from '../../server/src/dialects/syntax/index';

const slice = (text: string, r: { start: number; end: number } | undefined) => (r ? text.slice(r.start, r.end) : undefined);

describe('shell syntax: flags', () => {
  test('`--flag value`, `--flag=value`, boolean flags and multi-value flags, with exact ranges', () => {
    const text = 'python pretrain_gpt.py --num-layers 32 --hidden-size=4096 --bf16 --rampup-batch-size 16 16 5859375 --lr 1.5e-4\n';
    const p = parseShell(text);
    assert.equal(p.format, 'shell');
    assert.deepEqual(p.errors, []);
    const layers = p.entries.get('num-layers')!;
    assert.equal(layers.value, 32);
    assert.equal(slice(text, layers.keyRange), '--num-layers');
    assert.equal(slice(text, layers.valueRange), '32');
    const hidden = p.entries.get('hidden-size')!;
    assert.equal(hidden.value, 4096);
    assert.equal(slice(text, hidden.keyRange), '--hidden-size');
    assert.equal(slice(text, hidden.valueRange), '4096');
    const bf16 = p.entries.get('bf16')!;
    assert.equal(bf16.value, true);
    assert.equal(slice(text, bf16.valueRange), '--bf16');
    const ramp = p.entries.get('rampup-batch-size')!;
    assert.equal(ramp.kind, 'seq');
    assert.equal(slice(text, ramp.valueRange), '16 16 5859375');
    assert.equal(p.entries.get('rampup-batch-size.2')!.value, 5859375);
    assert.equal(p.entries.get('lr')!.value, 1.5e-4);
    assert.deepEqual(p.data, { 'num-layers': 32, 'hidden-size': 4096, bf16: true, 'rampup-batch-size': [16, 16, 5859375], lr: 1.5e-4 });
  });

  test('bash arrays, backslash continuations and comments inside them', () => {
    const text = [
      'GPT_ARGS=(',
      '    --num-layers 24   # layers',
      '    --seq-length 2048',
      '    "--micro-batch-size" 4',
      ')',
      'torchrun --nproc_per_node 8 pretrain_gpt.py \\',
      '    ${GPT_ARGS[@]} \\',
      '    --train-iters 1000 \\',
      '    --use-distributed-optimizer \\',
      '    --data-path /data/a 2>&1 | tee log.txt',
    ].join('\n');
    const p = parseShell(text);
    assert.equal(p.entries.get('num-layers')!.value, 24);
    assert.equal(p.entries.get('seq-length')!.value, 2048);
    assert.equal(p.entries.get('micro-batch-size')!.value, 4);
    assert.equal(p.entries.get('nproc_per_node')!.value, 8, 'the program name after the value is not a second value');
    assert.equal(p.entries.get('train-iters')!.value, 1000);
    assert.equal(p.entries.get('use-distributed-optimizer')!.value, true, 'an array splice after a flag is not its value');
    assert.equal(p.entries.get('data-path')!.value, '/data/a', 'a redirection is not a value');
    assert.ok(p.comments.some((c) => c.text === 'layers'));
    const iters = p.entries.get('train-iters')!;
    assert.equal(slice(text, iters.valueRange), '1000');
  });

  test('quotes stay in raw, not in value; `${VAR}` and `$(cmd)` are left as strings', () => {
    const text = `--tokenizer-model "$DATA/tok.model" --save '/ckpt dir' --load $(pwd)/x --vocab-size "32000" --lr \${LR}`;
    const p = parseShell(text);
    const tok = p.entries.get('tokenizer-model')!;
    assert.equal(tok.value, '$DATA/tok.model');
    assert.equal(tok.raw, '"$DATA/tok.model"');
    assert.equal(p.entries.get('save')!.value, '/ckpt dir');
    assert.equal(p.entries.get('load')!.value, '$(pwd)/x');
    const vocab = p.entries.get('vocab-size')!;
    assert.equal(vocab.value, 32000, 'argparse converts numeric words whatever their quoting');
    assert.equal(slice(text, vocab.valueRange), '"32000"');
    assert.equal(p.entries.get('lr')!.value, '${LR}');
  });

  test('a repeated flag: the last one wins, as with argparse', () => {
    const p = parseShell('--seq-length 1024 --seq-length 4096');
    assert.equal(p.entries.get('seq-length')!.value, 4096);
  });

  test('negative numbers are values; single-dash options are not flags', () => {
    const p = parseShell('--exit-interval -1 -n 4 --bf16');
    assert.equal(p.entries.get('exit-interval')!.value, -1);
    assert.equal(p.entries.has('n'), false);
    assert.equal(p.entries.get('bf16')!.value, true);
  });
});

describe('shell syntax: assignments, comments, here-documents', () => {
  test('`NAME=value` (also after export) becomes `$NAME` with the value range', () => {
    const text = 'GPUS_PER_NODE=8\nexport NUM_LAYERS=${NUM_LAYERS:-32}\nTP="2" PP=4 torchrun x.py\nFOO=(a b)\n';
    const p = parseShell(text);
    const gpus = p.entries.get('$GPUS_PER_NODE')!;
    assert.equal(gpus.value, 8);
    assert.equal(slice(text, gpus.keyRange), 'GPUS_PER_NODE');
    assert.equal(slice(text, gpus.valueRange), '8');
    assert.equal(p.entries.get('$NUM_LAYERS')!.value, '${NUM_LAYERS:-32}');
    assert.equal(p.entries.get('$TP')!.value, 2);
    assert.equal(slice(text, p.entries.get('$TP')!.valueRange), '"2"');
    assert.equal(p.entries.get('$PP')!.value, 4);
    assert.equal(p.entries.has('$FOO'), false, 'arrays are argument lists, not scalar assignments');
  });

  test('`#SBATCH` lines and `# scaling-lens:` directives are comments; `#` inside a word is not', () => {
    const text = '#!/bin/bash\n#SBATCH --nodes=4\n# scaling-lens: gpu=H100\necho a#b --x 1\n';
    const p = parseShell(text);
    assert.deepEqual(
      p.comments.map((c) => c.text),
      ['!/bin/bash', 'SBATCH --nodes=4', 'scaling-lens: gpu=H100'],
    );
    assert.equal(p.entries.has('nodes'), false, 'flags in comments are not flags');
    assert.equal(p.entries.get('x')!.value, 1);
  });

  test('here-document bodies (a DeepSpeed JSON written by the script) are skipped', () => {
    const text = 'cat <<EOT > ds.json\n{ "--fake": 1 }\n--train-iters 5\nEOT\n--train-iters 7\ncat <<-\'X\'\n\t--seq-length 9\n\tX\n';
    const p = parseShell(text);
    assert.equal(p.entries.has('fake'), false);
    assert.equal(p.entries.get('train-iters')!.value, 7);
    assert.equal(p.entries.has('seq-length'), false);
  });
});

describe('shell syntax: wiring and robustness', () => {
  test('`.sh` / `.bash` map to the shell format and parseConfig dispatches to it', () => {
    assert.equal(formatFromFileName('examples/train_gpt3.sh'), 'shell');
    assert.equal(formatFromFileName('run.BASH'), 'shell');
    assert.equal(parseConfig('--num-layers 2', 'shell').entries.get('num-layers')!.value, 2);
  });

  test('never throws: unterminated quotes, substitutions and garbage', () => {
    const inputs = ['--a "unterminated', "--b 'x", '--c $(echo (', '--d ${X', 'cat <<EOF\nno end', '\\', '"', '--=3', '-- --', '((((((', '\u0000\uffff'];
    for (const text of inputs) {
      const p = parseShell(text);
      assert.equal(p.format, 'shell');
      assert.equal(p.text, text);
      for (const e of p.entries.values()) {
        assert.ok(e.valueRange.start <= e.valueRange.end && e.valueRange.end <= text.length, `${JSON.stringify(text)}: ${e.dotted}`);
      }
    }
    // Random byte soup from the shell alphabet.
    const alphabet = ['-', '--x', ' ', '\n', '"', "'", '$', '(', ')', '{', '}', '\\', '#', '=', '<<', 'EOF', '1', 'a', '|', ';', '`'];
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let j = 0; j < 40; j++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        s += alphabet[seed % alphabet.length];
      }
      assert.doesNotThrow(() => parseShell(s));
    }
  });
});
