/** Every dialect adapter, in detection-tie order. Native first; framework adapters after. */
import type { DialectAdapter } from './types';
import { NATIVE_ADAPTER } from './nativeAdapter';

export const ADAPTERS: readonly DialectAdapter[] = [NATIVE_ADAPTER];
