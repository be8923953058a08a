import { describe, expect, it } from 'vitest';
import { bypassHeaders } from '../../src/dataverse/bulk-writes.js';

describe('bypass headers', () => {
    it('maps the spec bypass options to the documented headers', () => {
        expect(bypassHeaders({ businessLogic: ['CustomSync', 'CustomAsync'], powerAutomateFlows: true })).toEqual({
            'MSCRM.BypassBusinessLogicExecution': 'CustomSync,CustomAsync',
            'MSCRM.SuppressCallbackRegistrationExpanderJob': 'true',
        });
        expect(bypassHeaders({ businessLogic: ['CustomAsync'] })).toEqual({
            'MSCRM.BypassBusinessLogicExecution': 'CustomAsync',
        });
    });

    it('sends nothing when nothing is bypassed', () => {
        expect(bypassHeaders(undefined)).toBeUndefined();
        expect(bypassHeaders({ businessLogic: [], powerAutomateFlows: false })).toBeUndefined();
    });
});
