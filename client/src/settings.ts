/**
 * Validation of the `scalingLens` settings section before the server sees it: the server pulls the section with
 * `workspace/configuration`; this middleware runs each answer through the core's `normalizeSettings` (the same
 * function the server applies), so problems are reported in the user's output channel.
 */
import type { ConfigurationMiddleware } from 'vscode-languageclient/node';
import { normalizeSettings } from '../../server/src/core/options';
import { SETTINGS_SECTION } from '../../server/src/protocol/index';

/** The `workspace.configuration` middleware: validates every `scalingLens` item the server asks for. */
export function configurationMiddleware(report: (problems: string[]) => void): NonNullable<ConfigurationMiddleware['configuration']> {
  return async (params, token, next) => {
    const answer = await next(params, token);
    if (!Array.isArray(answer)) return answer;
    const problems: string[] = [];
    const values = answer.map((value: unknown, i) => {
      if (params.items[i]?.section !== SETTINGS_SECTION) return value;
      const normalized = normalizeSettings(value);
      problems.push(...normalized.problems);
      return normalized.settings;
    });
    report([...new Set(problems)]);
    return values;
  };
}
