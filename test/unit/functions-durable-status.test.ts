/** The Durable client's statuses as the runs port shows them: dates from JSON text, and the two extra states. */
import type { DurableOrchestrationStatus } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { instanceStatusOf } from '../../src/host/durable-runs.js';

const raw = (runtimeStatus: string, extra: Record<string, unknown> = {}) =>
    ({
        name: 'migrationRun',
        instanceId: 'x-20260101-000000-abcd',
        createdTime: '2026-01-01T00:00:00Z',
        lastUpdatedTime: '2026-01-01T00:01:00Z',
        input: { runId: 'x' },
        output: null,
        customStatus: null,
        runtimeStatus,
        ...extra,
    }) as unknown as DurableOrchestrationStatus;

describe('instanceStatusOf', () => {
    it('parses the dates getStatusBy returns as text and drops null custom status and output', () => {
        const status = instanceStatusOf(raw('Running'));
        expect(status).toEqual({
            name: 'migrationRun',
            instanceId: 'x-20260101-000000-abcd',
            createdTime: new Date('2026-01-01T00:00:00Z'),
            lastUpdatedTime: new Date('2026-01-01T00:01:00Z'),
            input: { runId: 'x' },
            output: undefined,
            runtimeStatus: 'Running',
        });
        expect(instanceStatusOf(raw('Completed', { customStatus: { phase: 'finish' } })).customStatus).toEqual({
            phase: 'finish',
        });
    });

    it('shows a suspended instance as live and a canceled one as ended', () => {
        expect(instanceStatusOf(raw('Suspended')).runtimeStatus).toBe('Running');
        expect(instanceStatusOf(raw('Canceled')).runtimeStatus).toBe('Terminated');
        for (const s of ['Pending', 'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Terminated'])
            expect(instanceStatusOf(raw(s)).runtimeStatus).toBe(s);
    });
});
