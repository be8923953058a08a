/**
 * Where the loaders report what they had to guess about a file (a type that is not a CMT type, a value that could
 * not be read): one line per warning, by default on stderr, as the CLI prints its diagnostics.
 */
export type WarningSink = (line: string) => void;

export const stderrWarnings: WarningSink = (line) => {
    process.stderr.write(`dataverse-sim: warning: ${line}\n`);
};
