/** The Functions side of the one logger shape: a Log that writes to an invocation's own log, at its level. */
import type { InvocationContext } from '@azure/functions';
import type { Log } from '../../util/log.js';

/** `prefix` (the function's name) starts every line, so lines of several functions read apart. */
export function invocationLog(context: InvocationContext, prefix?: string): Log {
    return (level, message) => {
        const line = prefix === undefined ? message : `${prefix}: ${message}`;
        if (level === 'error') context.error(line);
        else if (level === 'warn') context.warn(line);
        else context.info(line);
    };
}
