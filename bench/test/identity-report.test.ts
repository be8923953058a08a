/** The identities part in the bench's output: `identityScaling` beside the headline figures, a line per run. */
import { describe, expect, it } from 'vitest';
import { identityLines, type IdentityScalingFigures } from '../identity-scaling.js';
import { toJson } from '../report.js';

const figures: IdentityScalingFigures = {
    seconds: 15,
    ceilingRowsPerSecond: 381,
    runs: [
        { identities: 1, rowsPerSecond: 300, throttled: 3, failed: 0 },
        { identities: 2, rowsPerSecond: 570, throttled: 5, failed: 0 },
        { identities: 4, rowsPerSecond: 1110, throttled: 9, failed: 0 },
    ],
    scaling: { '1': 1, '2': 1.9, '4': 3.7 },
};

describe('identity scaling in the bench report', () => {
    it('puts identityScaling at the top of --json and a line per identity count in the text', () => {
        const json = toJson({
            machine: { node: 'v20', cpus: 2, loadAverage: { start: 1, end: 1 } },
            identities: figures,
        });
        expect(Object.keys(json)[0]).toBe('identityScaling');
        expect(json).toMatchObject({ identityScaling: { '1': 1, '2': 1.9, '4': 3.7 } });
        const lines = identityLines(figures);
        expect(lines[1]).toMatch(/^ {2}1 identity +300 rows\/s {2}1\.00x {2}429s 3 {2}failed 0$/);
        expect(lines[3]).toMatch(/^ {2}4 identities +1,110 rows\/s {2}3\.70x/);
    });
});
