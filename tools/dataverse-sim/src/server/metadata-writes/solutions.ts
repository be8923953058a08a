/**
 * Publishers, solutions and their components, read-only through `GET publishers`, `GET solutions` and
 * `GET solutioncomponents` (`$select`, `$filter` with aliases, `$top`), so a client can check that a prefix is known
 * before it creates anything. "Entities, attributes, and global option sets ... are all solution components. When you
 * create them you can associate them with a solution by using the MSCRM.SolutionUniqueName request header"
 * (create-update-entity-definitions-using-web-api.md); without the header a component is in the Default solution only.
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, SimError } from '../../errors.js';
import type { SimRequest, SimResponse } from '../http-types.js';
import { fixedListing } from '../fixed-listing.js';
import type { PathSegment } from '../resource-path.js';
import { methodNotAllowed, notFound } from '../route-errors.js';
import type { CustomizationsConfig } from './config.js';
import { unknownSolution } from './refusals.js';

type Row = Record<string, unknown>;

/** SolutionComponent.ComponentType values (solutioncomponent table reference). */
export const ComponentType = { Entity: 1, Attribute: 2, OptionSet: 9, Relationship: 10, EntityKey: 14 } as const;

const SOLUTION_HEADER = 'mscrm.solutionuniquename';

function stableGuid(text: string): string {
    const h = createHash('sha256').update(text).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Solutions {
    static readonly SETS = new Set(['publishers', 'solutions', 'solutioncomponents']);
    private readonly publishers: Row[];
    private readonly solutions: Row[];
    private readonly components: Row[] = [];

    constructor(config: CustomizationsConfig) {
        this.publishers = [
            {
                uniqueName: 'DefaultPublisher',
                prefix: 'new',
                optionValuePrefix: 10000,
                friendlyName: 'Default Publisher',
            },
            ...config.publishers,
        ].map((p) => ({
            publisherid: stableGuid(`publisher:${p.uniqueName}`),
            uniquename: p.uniqueName,
            friendlyname: p.friendlyName ?? p.uniqueName,
            customizationprefix: p.prefix,
            customizationoptionvalueprefix: p.optionValuePrefix ?? 10000,
            isreadonly: false,
        }));
        this.solutions = [
            { uniqueName: 'Default', publisher: 'DefaultPublisher', friendlyName: 'Default Solution' },
            ...config.solutions,
        ].map((s) => ({
            solutionid: stableGuid(`solution:${s.uniqueName}`),
            uniquename: s.uniqueName,
            friendlyname: s.friendlyName ?? s.uniqueName,
            _publisherid_value: stableGuid(`publisher:${s.publisher}`),
            ismanaged: false,
            isvisible: s.uniqueName !== 'Default',
            version: '1.0.0.0',
        }));
    }

    /** The customization prefixes schema names may begin with (`<prefix>_`). */
    prefixes(): string[] {
        return this.publishers.map((p) => p.customizationprefix as string);
    }

    /**
     * The solution a write names in `MSCRM.SolutionUniqueName` (checked before anything is written), or undefined
     * without the header. [inferred] The service's answer to an unknown name is not documented (refusals.ts).
     */
    solutionOf(req: SimRequest): string | undefined {
        const name = req.headers[SOLUTION_HEADER];
        if (name === undefined || name.trim() === '') return undefined;
        const found = this.solutions.find((s) => (s.uniquename as string).toLowerCase() === name.trim().toLowerCase());
        if (!found) throw unknownSolution(name.trim());
        return found.uniquename as string;
    }

    /** Records a created component in the Default solution and in the one the request named. */
    addComponent(solution: string | undefined, componentType: number, objectId: string): void {
        for (const name of new Set(['Default', ...(solution ? [solution] : [])])) {
            const s = this.solutions.find((x) => x.uniquename === name)!;
            this.components.push({
                solutioncomponentid: stableGuid(`component:${name}:${componentType}:${objectId}`),
                _solutionid_value: s.solutionid,
                componenttype: componentType,
                objectid: objectId,
                rootcomponentbehavior: 0,
            });
        }
    }

    handle(req: SimRequest, segments: PathSegment[], base: string): SimResponse {
        const [head, second] = segments;
        if (!head || head.key || second) throw notFound(req);
        if (req.method !== 'GET') throw methodNotAllowed(req.method);
        const type = head.name.slice(0, -1);
        const rows =
            head.name === 'publishers' ? this.publishers : head.name === 'solutions' ? this.solutions : this.components;
        const params = req.url.searchParams;
        const column = (row: Row, property: string): unknown => {
            if (!(property in (rows[0] ?? row)))
                throw new SimError(
                    400,
                    ErrorCodes.ODataParse,
                    `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${type}'.`,
                );
            return row[property];
        };
        return fixedListing(params, head.name, rows, column, base);
    }
}
