/**
 * The follow-up work the copy-page activity leaves in the run store for the later phases, one list per
 * page: rows whose deferred lookups must be patched, rows whose state must be set, rows to delete.
 */
import type { Row } from '../dataverse/client-types.js';
import type { RowAddress, StateChange } from '../copy/row-plan.js';

export interface DeferredItem {
    sourceId: string;
    row: Row;
    /** Where the row is in the target, so the deferred phase can read it first (absent in lists of older runs). */
    address?: RowAddress;
}

export interface StateItem extends StateChange {
    sourceId: string;
    address: RowAddress;
    /** For states reached by a message: the closing activity's fields (from the row's source values). */
    close?: Record<string, unknown>;
}

/** A row whose file, image or note content the content phase compares with the target's and copies. */
export interface ContentItem {
    sourceId: string;
    address: RowAddress;
}

export interface DeleteItem {
    id: string;
}
