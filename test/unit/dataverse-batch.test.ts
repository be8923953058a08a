import { describe, expect, it } from 'vitest';
import { boundaryOf, buildBatchBody, parseBatchResponse } from '../../src/dataverse/batch.js';

const CRLF = '\r\n';

describe('buildBatchBody', () => {
    it('frames each request as an application/http part with CRLF line ends', () => {
        const body = buildBatchBody(
            [
                {
                    method: 'PATCH',
                    path: 'accounts(00000000-0000-0000-0000-000000000001)',
                    headers: { 'MSCRM.BypassBusinessLogicExecution': 'CustomSync' },
                    body: { name: 'Contoso' },
                },
                { method: 'DELETE', path: '/api/data/v9.2/contacts(00000000-0000-0000-0000-000000000002)' },
            ],
            'batch_x1',
        );
        expect(body).toBe(
            [
                '--batch_x1',
                'Content-Type: application/http',
                'Content-Transfer-Encoding: binary',
                '',
                'PATCH /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001) HTTP/1.1',
                'MSCRM.BypassBusinessLogicExecution: CustomSync',
                'Content-Type: application/json; type=entry',
                '',
                '{"name":"Contoso"}',
                '--batch_x1',
                'Content-Type: application/http',
                'Content-Transfer-Encoding: binary',
                '',
                'DELETE /api/data/v9.2/contacts(00000000-0000-0000-0000-000000000002) HTTP/1.1',
                '',
                '',
                '--batch_x1--',
                '',
            ].join(CRLF),
        );
    });

    it('refuses more than 1000 requests', () => {
        const parts = Array.from({ length: 1001 }, () => ({ method: 'DELETE' as const, path: 'accounts(x)' }));
        expect(() => buildBatchBody(parts, 'b')).toThrow(/at most 1000/);
    });
});

describe('parseBatchResponse', () => {
    it('reads the parts in order, change-set responses flattened, with status, headers and JSON body', () => {
        const text = [
            '--batchresponse_aaa',
            'Content-Type: application/http',
            'Content-Transfer-Encoding: binary',
            '',
            'HTTP/1.1 204 No Content',
            'OData-Version: 4.0',
            'OData-EntityId: [Org]/api/data/v9.2/tasks(1)',
            '',
            '',
            '--batchresponse_aaa',
            'Content-Type: multipart/mixed; boundary=changesetresponse_bbb',
            '',
            '--changesetresponse_bbb',
            'Content-Type: application/http',
            'Content-Transfer-Encoding: binary',
            'Content-ID: 1',
            '',
            'HTTP/1.1 201 Created',
            'Content-Type: application/json; odata.metadata=minimal',
            '',
            '{"activityid":"1"}',
            '--changesetresponse_bbb--',
            '--batchresponse_aaa',
            'Content-Type: application/http',
            'Content-Transfer-Encoding: binary',
            '',
            'HTTP/1.1 400 Bad Request',
            'REQ_ID: 5f0b',
            'Content-Type: application/json; odata.metadata=minimal',
            'OData-Version: 4.0',
            '',
            '{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the \'subject\' attribute of the \'task\' entity exceeded the maximum allowed length of \'200\'."}}',
            '--batchresponse_aaa--',
            '',
        ].join(CRLF);
        const parts = parseBatchResponse('multipart/mixed; boundary=batchresponse_aaa', text);
        expect(parts.map((p) => p.status)).toEqual([204, 201, 400]);
        expect(parts[0]?.headers['odata-entityid']).toBe('[Org]/api/data/v9.2/tasks(1)');
        expect(parts[0]?.bodyText).toBe('');
        expect(parts[1]?.body).toEqual({ activityid: '1' });
        expect(parts[2]?.headers['req_id']).toBe('5f0b');
        expect((parts[2]?.body as { error: { code: string } }).error.code).toBe('0x80044331');
    });

    it('accepts LF line ends, a quoted boundary and a missing Content-Type (sniffed)', () => {
        const text = [
            '--batchresponse_q',
            'Content-Type: application/http',
            '',
            'HTTP/1.1 200 OK',
            'Content-Type: application/json',
            '',
            '{"value":[]}',
            '--batchresponse_q--',
        ].join('\n');
        expect(parseBatchResponse('multipart/mixed; boundary="batchresponse_q"', text)[0]?.body).toEqual({ value: [] });
        expect(parseBatchResponse(undefined, text)[0]?.status).toBe(200);
    });

    it('round-trips what buildBatchBody frames when a server echoes statuses', () => {
        const request = buildBatchBody(
            Array.from({ length: 5 }, (_, i) => ({ method: 'PATCH' as const, path: `accounts(${i})`, body: { i } })),
            'batch_rt',
        );
        // A server that answers each part with 204 in order.
        const count = request.split('--batch_rt').length - 2;
        const response = Array.from(
            { length: count },
            () => `--r${CRLF}Content-Type: application/http${CRLF}${CRLF}HTTP/1.1 204 No Content${CRLF}${CRLF}`,
        ).join(CRLF);
        expect(parseBatchResponse('multipart/mixed; boundary=r', `${response}${CRLF}--r--`)).toHaveLength(5);
    });

    it('names a part without a status line', () => {
        const text = `--b${CRLF}Content-Type: application/http${CRLF}${CRLF}garbage${CRLF}--b--`;
        expect(() => parseBatchResponse('multipart/mixed; boundary=b', text)).toThrow(/no status line/);
    });

    it('finds the boundary in quoted and bare forms', () => {
        expect(boundaryOf('multipart/mixed; boundary="batch_1"')).toBe('batch_1');
        expect(boundaryOf('multipart/mixed;boundary=batchresponse_2; charset=utf-8')).toBe('batchresponse_2');
        expect(boundaryOf('application/json')).toBeUndefined();
    });
});
