/**
 * The one logger shape of the code base: a level and one message. The API, the schedule, `serve` and the Functions
 * adapters take a Log; each host decides where the lines go (the console, an invocation's log).
 */
export type LogLevel = 'info' | 'warn' | 'error';

export type Log = (level: LogLevel, message: string) => void;

/** For callers that have nobody to tell. */
export const silentLog: Log = () => undefined;
