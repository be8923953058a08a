/** Telling a missing file apart from every other filesystem failure, the one error the file stores expect. */

/** The error is Node's ENOENT: the file or folder does not exist. */
export function isMissingFile(error: unknown): boolean {
    return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
