/** Telling filesystem failures apart: a missing file (the one error the file stores expect) and, for people, why. */

/** The error is Node's ENOENT: the file or folder does not exist. */
export function isMissingFile(error: unknown): boolean {
    return errnoCode(error) === 'ENOENT';
}

/** Node's error code (`EROFS`, `EACCES`, ...), when the error has one. */
export function errnoCode(error: unknown): string | undefined {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
}

const REASONS: Readonly<Record<string, string>> = {
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOENT: 'no such file or folder',
    EMFILE: 'too many open files',
};

/** Why a filesystem call failed, in words with the code: `the file system is read-only (EROFS)`. */
export function fsReason(error: unknown): string | undefined {
    const code = errnoCode(error);
    if (code === undefined) return undefined;
    return `${REASONS[code] ?? (error as Error).message.split('\n')[0]} (${code})`;
}
