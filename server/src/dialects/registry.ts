/** Every dialect adapter. Detection picks the highest score; ties go to the earlier entry. */
import type { DialectAdapter } from './types';
import { NATIVE_ADAPTER } from './nativeAdapter';
import { NEMO_ADAPTER } from './nemo';
import { NANOTRON_ADAPTER } from './nanotron';

export const ADAPTERS: readonly DialectAdapter[] = [NATIVE_ADAPTER, NEMO_ADAPTER, NANOTRON_ADAPTER];
