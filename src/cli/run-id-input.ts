/** A run id given on the command line, checked before it names a folder of the run store (bad input, exit 2). */
import { isRunId } from '../run/run-id.js';
import { BadInputError } from './io.js';

/** `value` when it is a run id; `where` names the argument or option it came from. */
export function requireRunId(value: string, where: string): string {
    if (isRunId(value)) return value;
    const message = `'${value}' is not a run id (<spec>-<yyyyMMdd>-<HHmmss>-<4 hex>, as \`runs\` lists them)`;
    throw new BadInputError([`${where}: ${message}`], [{ path: where, message }]);
}
