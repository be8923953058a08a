/**
 * The crm schema's file content: notes (`annotation`) and e-mail attachments (`activitymimeattachment`), whose files
 * are Base64 string columns (`documentbody`, `body`) with `filename`, `mimetype` and the read-only `filesize`
 * (attachment-annotation-files.md; the annotation and activitymimeattachment table references), and the image and
 * file columns account and contact get (files-images-overview.md, file-column-data.md, image-column-data.md).
 * Bodies, files and full images live in the server's content store (server/content/), not in the rows.
 */
import type { SimAttribute, SimTable } from '../model.js';
import { bool, int, memo, primaryIdColumn, READ_ONLY, standardColumns, str } from './columns.js';

/** Tables a note can be about in the crm schema, with the real relationship names (Account_Annotation, ...). */
const NOTE_OBJECTS: ReadonlyArray<[string, string]> = [
    ['account', 'Account_Annotation'],
    ['contact', 'Contact_Annotation'],
    ['lead', 'Lead_Annotation'],
    ['opportunity', 'Opportunity_Annotation'],
    ['incident', 'Incident_Annotation'],
    ['email', 'Email_Annotation'],
    ['appointment', 'Appointment_Annotation'],
    ['phonecall', 'PhoneCall_Annotation'],
    ['task', 'Task_Annotation'],
];

/** The largest Base64 text the columns declare (MaxLength of documentbody and body). */
const BODY_MAX = 1_073_741_823;

export function annotation(): SimTable {
    return {
        logicalName: 'annotation',
        schemaName: 'Annotation',
        entitySetName: 'annotations',
        primaryIdAttribute: 'annotationid',
        primaryNameAttribute: 'subject',
        ownershipType: 'UserOwned',
        changeTracking: true,
        objectTypeCode: 5,
        attributes: [
            primaryIdColumn('annotationid'),
            str('subject', 500, { isPrimaryName: true }),
            memo('notetext', 100000),
            // Writable (the annotation reference lists IsDocument among the writable columns); a body sets it too.
            bool('isdocument'),
            str('filename', 255),
            str('mimetype', 256),
            int('filesize', READ_ONLY),
            memo('documentbody', BODY_MAX),
            {
                logicalName: 'objectid',
                type: 'Lookup',
                targets: NOTE_OBJECTS.map(([t]) => t),
                relationshipNames: Object.fromEntries(NOTE_OBJECTS),
            },
            { logicalName: 'objecttypecode', type: 'EntityName' },
            ...standardColumns({ table: 'annotation', ownershipType: 'UserOwned' }),
        ],
    };
}

export function activityMimeAttachment(): SimTable {
    return {
        logicalName: 'activitymimeattachment',
        schemaName: 'ActivityMimeAttachment',
        entitySetName: 'activitymimeattachments',
        primaryIdAttribute: 'activitymimeattachmentid',
        primaryNameAttribute: 'filename',
        // The attachment's access follows its e-mail; the table has no owner of its own.
        ownershipType: 'None',
        changeTracking: true,
        objectTypeCode: 1001,
        attributes: [
            primaryIdColumn('activitymimeattachmentid'),
            str('subject', 2000),
            str('filename', 255, { isPrimaryName: true }),
            str('mimetype', 256),
            int('filesize', READ_ONLY),
            memo('body', BODY_MAX),
            int('attachmentnumber'),
            {
                logicalName: 'objectid',
                type: 'Lookup',
                targets: ['email', 'appointment'],
                relationshipNames: {
                    email: 'email_activity_mime_attachment',
                    appointment: 'appointment_activity_mime_attachment',
                },
            },
            { logicalName: 'objecttypecode', type: 'EntityName' },
            { logicalName: 'versionnumber', type: 'BigInt', ...READ_ONLY },
        ],
    };
}

/** The primary image column (`entityimage`, 10 MB by default) and optionally a file column of a table. */
export function contentColumns(o: { file?: string; fileMaxSizeInKB?: number }): SimAttribute[] {
    const cols: SimAttribute[] = [
        { logicalName: 'entityimage', schemaName: 'EntityImage', type: 'Image', maxSizeInKB: 10240 },
    ];
    if (o.file)
        cols.push(
            { logicalName: o.file, type: 'File', isCustom: true, maxSizeInKB: o.fileMaxSizeInKB ?? 32768 },
            // The file's name, read-only (file-column-data.md "File name column": the column's name with `_name`).
            str(`${o.file}_name`, 255, { ...READ_ONLY, isCustom: true }),
        );
    return cols;
}
