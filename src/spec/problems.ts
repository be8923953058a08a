/** A problem found in user input, with the JSON path of the value it concerns. */
export interface InputProblem {
    /** `tables[2].columns[0]`, or `` for the document itself. */
    path: string;
    message: string;
}

/** Formats a zod-style path as `tables[2].columns[0]` (keys that are not identifiers are quoted). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
    let out = '';
    for (const segment of path) {
        if (typeof segment === 'number') out += `[${segment}]`;
        else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
            out += out ? `.${segment}` : segment;
        else out += `[${JSON.stringify(String(segment))}]`;
    }
    return out;
}

export function formatProblem(problem: InputProblem): string {
    return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}
