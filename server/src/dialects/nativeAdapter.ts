/** The native `*.scaling.*` format as a DialectAdapter (file name decides; content detection for suffix-less files). */
import { looksNative, nativeAdapter, NATIVE_KEY_HINTS } from './native';
import type { DialectAdapter } from './types';

export const NATIVE_FILE = /\.scaling\.(ya?ml|json|toml)$/i;

export const NATIVE_ADAPTER: DialectAdapter = {
  id: 'native',
  name: 'Scaling Lens native',
  detect(parsed, fileName) {
    if (NATIVE_FILE.test(fileName)) return { score: 100, reason: 'file name *.scaling.*' };
    if (looksNative(parsed)) return { score: 30, reason: 'top-level model/training/cluster/parallelism sections with native keys' };
    return undefined;
  },
  adapt(parsed) {
    const { plan, findings } = nativeAdapter(parsed);
    return { plan, findings, keyHints: NATIVE_KEY_HINTS };
  },
};
