import { describe, expect, it } from 'vitest';
import { annotationRequested, parsePrefer } from '../src/odata/prefer.js';

describe('Prefer header', () => {
    it('parses several preferences, with commas inside quoted values', () => {
        const p = parsePrefer(
            'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*", odata.maxpagesize=250',
        );
        expect(p.maxPageSize).toBe(250);
        expect(p.includeAnnotations).toEqual(['OData.Community.Display.V1.FormattedValue', 'Microsoft.Dynamics.CRM.*']);
        expect(p.applied).toEqual([
            'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*"',
            'odata.maxpagesize=250',
        ]);
        expect(p.returnRepresentation).toBe(false);
    });

    it('clamps odata.maxpagesize to 5000 and ignores invalid values', () => {
        expect(parsePrefer('odata.maxpagesize=10000').maxPageSize).toBe(5000);
        expect(parsePrefer('odata.maxpagesize=10000').applied).toEqual(['odata.maxpagesize=5000']);
        expect(parsePrefer('odata.maxpagesize=abc').maxPageSize).toBeUndefined();
        expect(parsePrefer('odata.maxpagesize=0').applied).toEqual([]);
    });

    it('reads return=representation, track-changes and continue-on-error across header lines', () => {
        const p = parsePrefer(['return=representation', 'odata.track-changes', 'odata.continue-on-error']);
        expect(p.returnRepresentation).toBe(true);
        expect(p.trackChanges).toBe(true);
        expect(p.continueOnError).toBe(true);
        expect(p.applied).toEqual(['return=representation', 'odata.track-changes', 'odata.continue-on-error']);
        expect(parsePrefer('return=minimal').returnRepresentation).toBe(false);
        expect(parsePrefer(undefined).applied).toEqual([]);
    });

    it('matches annotations by name, wildcard and exclusion', () => {
        const star = parsePrefer('odata.include-annotations="*"');
        expect(annotationRequested(star, 'Microsoft.Dynamics.CRM.lookuplogicalname')).toBe(true);
        const some = parsePrefer(
            'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.PowerApps.CDS.ErrorDetails*"',
        );
        expect(annotationRequested(some, 'OData.Community.Display.V1.FormattedValue')).toBe(true);
        expect(annotationRequested(some, 'Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus')).toBe(true);
        expect(annotationRequested(some, 'Microsoft.Dynamics.CRM.lookuplogicalname')).toBe(false);
        const excluded = parsePrefer('odata.include-annotations="*,-Microsoft.Dynamics.CRM.totalrecordcount"');
        expect(annotationRequested(excluded, 'Microsoft.Dynamics.CRM.totalrecordcount')).toBe(false);
        expect(annotationRequested(excluded, 'Microsoft.Dynamics.CRM.lookuplogicalname')).toBe(true);
        expect(annotationRequested(parsePrefer(''), 'OData.Community.Display.V1.FormattedValue')).toBe(false);
    });
});
