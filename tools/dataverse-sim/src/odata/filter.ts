/**
 * `$filter` parser: tokens (filter-lexer.ts) to an expression tree by recursive descent.
 * Precedence as in ODataLib: `not` binds tightest, then comparisons, then `and`, then `or`; parentheses group.
 * The tree is untyped; binding against a table (bind.ts) checks properties and types.
 */
import type { ExactNumber } from '../exact-number.js';
import { tokenize, type Token } from './filter-lexer.js';
import { odataError, simulatorLimitation } from './odata-error.js';

export { evaluateFilter } from './filter-eval.js';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LiteralType = 'string' | 'number' | 'boolean' | 'null' | 'guid' | 'datetime' | 'date' | 'enum';
/** How two values compare: set from a literal's type, or by binding from the property's type. */
export type CompareAs = 'string' | 'number' | 'boolean' | 'guid' | 'datetime';
export type StringFunctionName = 'contains' | 'startswith' | 'endswith';
export type CrmFunctionName = 'In' | 'NotIn' | 'Between' | 'NotBetween' | 'Null' | 'NotNull';

export interface LiteralNode {
    kind: 'literal';
    type: LiteralType;
    value: string | number | boolean | null | ExactNumber;
    /** Enum literals: the qualified enum type name. */
    enumType?: string;
}
export interface PropertyNode {
    kind: 'property';
    name: string;
}
export interface CompareNode {
    kind: 'compare';
    op: CompareOp;
    left: FilterExpr;
    right: FilterExpr;
    as?: CompareAs;
}
export interface LogicalNode {
    kind: 'and' | 'or';
    left: FilterExpr;
    right: FilterExpr;
}
export interface NotNode {
    kind: 'not';
    operand: FilterExpr;
}
export interface StringFunctionNode {
    kind: 'function';
    name: StringFunctionName;
    target: FilterExpr;
    search: FilterExpr;
}
/** `Microsoft.Dynamics.CRM.<name>(PropertyName=...,PropertyValues=[...])`. */
export interface CrmFunctionNode {
    kind: 'crm';
    name: CrmFunctionName;
    property: string;
    values: string[];
    as?: CompareAs;
}
export type FilterExpr =
    LiteralNode | PropertyNode | CompareNode | LogicalNode | NotNode | StringFunctionNode | CrmFunctionNode;

/** Looks up a parameter alias (`@p1`) in the query string; undefined when absent. */
export type AliasLookup = (alias: string) => string | undefined;

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const STRING_FUNCTIONS = new Set<string>(['contains', 'startswith', 'endswith']);
const CRM_PREFIX = 'Microsoft.Dynamics.CRM.';
const CRM_FUNCTIONS: Record<string, { values: number | 'any' }> = {
    In: { values: 'any' },
    NotIn: { values: 'any' },
    Between: { values: 2 },
    NotBetween: { values: 2 },
    Null: { values: 0 },
    NotNull: { values: 0 },
};
const UNSUPPORTED_OPS = new Set(['add', 'sub', 'mul', 'div', 'mod', 'has', 'in']);

class Parser {
    private i = 0;
    constructor(
        private readonly text: string,
        private readonly tokens: Token[],
        private readonly aliases: AliasLookup,
        private readonly allowPaths: boolean,
    ) {}

    parse(): FilterExpr {
        const expr = this.parseOr();
        const tok = this.peek();
        if (tok.t !== 'end') throw this.syntaxError(tok.pos);
        return expr;
    }

    private peek(offset = 0): Token {
        return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
    }
    private next(): Token {
        const tok = this.peek();
        if (this.i < this.tokens.length - 1) this.i++;
        return tok;
    }
    private isIdent(word: string): boolean {
        const tok = this.peek();
        return tok.t === 'ident' && tok.v === word;
    }
    private isPunct(p: string): boolean {
        const tok = this.peek();
        return tok.t === 'punct' && tok.v === p;
    }
    private syntaxError(pos: number): Error {
        return odataError(`Syntax error at position ${pos} in '${this.text}'.`);
    }
    private expectPunct(p: ')' | '(' | ',' | '=', message: string): void {
        if (!this.isPunct(p)) throw odataError(`${message} at position ${this.peek().pos} in '${this.text}'.`);
        this.next();
    }

    private parseOr(): FilterExpr {
        let left = this.parseAnd();
        while (this.isIdent('or')) {
            this.next();
            left = { kind: 'or', left, right: this.parseAnd() };
        }
        return left;
    }

    private parseAnd(): FilterExpr {
        let left = this.parseComparison();
        while (this.isIdent('and')) {
            this.next();
            left = { kind: 'and', left, right: this.parseComparison() };
        }
        return left;
    }

    private parseComparison(): FilterExpr {
        let left = this.parseUnary();
        for (;;) {
            const tok = this.peek();
            if (tok.t !== 'ident') return left;
            if (COMPARE_OPS.has(tok.v)) {
                this.next();
                left = { kind: 'compare', op: tok.v as CompareOp, left, right: this.parseUnary() };
                continue;
            }
            if (UNSUPPORTED_OPS.has(tok.v)) throw simulatorLimitation(`the '${tok.v}' operator in $filter`);
            return left;
        }
    }

    private parseUnary(): FilterExpr {
        if (this.isIdent('not')) {
            this.next();
            return { kind: 'not', operand: this.parseUnary() };
        }
        return this.parsePrimary();
    }

    private parsePrimary(): FilterExpr {
        const tok = this.next();
        switch (tok.t) {
            case 'punct':
                if (tok.v === '(') {
                    const inner = this.parseOr();
                    this.expectPunct(')', "')' or operator expected");
                    return inner;
                }
                throw odataError(`Expression expected at position ${tok.pos} in '${this.text}'.`);
            case 'end':
                throw odataError(`Expression expected at position ${tok.pos} in '${this.text}'.`);
            case 'alias':
                return this.aliasLiteral(tok.v, tok.pos);
            case 'ident':
                return this.parseIdentifier(tok);
            case 'array':
                throw this.syntaxError(tok.pos);
            default:
                return literalFromToken(tok, this.text);
        }
    }

    private parseIdentifier(tok: Extract<Token, { t: 'ident' }>): FilterExpr {
        switch (tok.v) {
            case 'true':
                return { kind: 'literal', type: 'boolean', value: true };
            case 'false':
                return { kind: 'literal', type: 'boolean', value: false };
            case 'null':
                return { kind: 'literal', type: 'null', value: null };
        }
        if (this.isPunct('(')) return this.parseCall(tok);
        if (this.isPunct('/')) {
            const path: string[] = [tok.v];
            while (this.isPunct('/')) {
                this.next();
                const part = this.next();
                if (part.t !== 'ident') throw this.syntaxError(part.pos);
                path.push(part.v);
            }
            if (this.allowPaths) return { kind: 'property', name: path.join('/') };
            throw simulatorLimitation(
                `navigation paths in $filter ('${path.join('/')}'); filter on the lookup column '_x_value' instead`,
            );
        }
        return { kind: 'property', name: tok.v };
    }

    private parseCall(tok: Extract<Token, { t: 'ident' }>): FilterExpr {
        if (STRING_FUNCTIONS.has(tok.v)) {
            this.next(); // (
            const target = this.parseOr();
            this.expectPunct(',', "')' or ',' expected");
            const search = this.parseOr();
            this.expectPunct(')', "')' or ',' expected");
            return { kind: 'function', name: tok.v as StringFunctionName, target, search };
        }
        if (tok.v.startsWith(CRM_PREFIX)) {
            const name = tok.v.slice(CRM_PREFIX.length);
            const spec = CRM_FUNCTIONS[name];
            if (!spec) throw simulatorLimitation(`the query function '${tok.v}'`);
            return this.parseCrmFunction(name as CrmFunctionName, spec.values, tok);
        }
        if (tok.v === 'any' || tok.v === 'all') throw simulatorLimitation(`lambda operators ('${tok.v}') in $filter`);
        throw odataError(
            `An unknown function with name '${tok.v}' was found. ` +
                'This may also be a function import or a key lookup on a navigation property, which is not allowed.',
        );
    }

    private parseCrmFunction(
        name: CrmFunctionName,
        valueCount: number | 'any',
        tok: Extract<Token, { t: 'ident' }>,
    ): CrmFunctionNode {
        this.next(); // (
        const args = new Map<string, Token>();
        while (!this.isPunct(')')) {
            const argName = this.next();
            if (argName.t !== 'ident') throw this.syntaxError(argName.pos);
            this.expectPunct('=', "'=' expected");
            let value = this.next();
            if (value.t === 'alias') value = this.aliasToken(value.v, value.pos);
            args.set(argName.v, value);
            if (this.isPunct(',')) this.next();
            else if (!this.isPunct(')'))
                throw odataError(`')' or ',' expected at position ${this.peek().pos} in '${this.text}'.`);
        }
        this.next(); // )
        const property = args.get('PropertyName');
        if (property?.t !== 'string') {
            throw odataError(`The function '${tok.v}' requires a string parameter 'PropertyName'.`);
        }
        const values = args.get('PropertyValues');
        let items: string[] = [];
        if (valueCount !== 0) {
            if (values?.t !== 'array') {
                throw odataError(`The function '${tok.v}' requires a collection parameter 'PropertyValues'.`);
            }
            items = values.v;
            if (valueCount !== 'any' && items.length !== valueCount) {
                throw odataError(`The function '${tok.v}' requires exactly ${valueCount} values in 'PropertyValues'.`);
            }
            if (items.length === 0)
                throw odataError(`The function '${tok.v}' requires at least one value in 'PropertyValues'.`);
        }
        for (const key of args.keys()) {
            if (key !== 'PropertyName' && key !== 'PropertyValues') {
                throw odataError(`The function '${tok.v}' has no parameter named '${key}'.`);
            }
        }
        return { kind: 'crm', name, property: property.v, values: items };
    }

    /** The single token an alias's value lexes to (`@p1='x'` or `@p2=["a","b"]`). */
    private aliasToken(alias: string, pos: number): Token {
        const raw = this.aliases(alias);
        if (raw === undefined) {
            throw odataError(
                `The parameter alias '${alias}' at position ${pos} in '${this.text}' has no value in the query.`,
            );
        }
        const toks = tokenize(raw);
        if (toks.length !== 2)
            throw odataError(`The value of parameter alias '${alias}' is not a single literal: '${raw}'.`);
        return toks[0] as Token;
    }

    private aliasLiteral(alias: string, pos: number): LiteralNode {
        const tok = this.aliasToken(alias, pos);
        if (tok.t === 'ident') {
            if (tok.v === 'true' || tok.v === 'false')
                return { kind: 'literal', type: 'boolean', value: tok.v === 'true' };
            if (tok.v === 'null') return { kind: 'literal', type: 'null', value: null };
        }
        return literalFromToken(tok, this.aliases(alias) ?? '');
    }
}

function literalFromToken(tok: Token, text: string): LiteralNode {
    switch (tok.t) {
        case 'string':
            return { kind: 'literal', type: 'string', value: tok.v };
        case 'number':
            return { kind: 'literal', type: 'number', value: tok.v };
        case 'guid':
            return { kind: 'literal', type: 'guid', value: tok.v };
        case 'datetime':
            return { kind: 'literal', type: 'datetime', value: tok.v };
        case 'date':
            return { kind: 'literal', type: 'date', value: tok.v };
        case 'typed':
            if (!tok.type.includes('.')) {
                throw odataError(
                    `Unrecognized '${tok.type}' literal '${tok.type}'${tok.v}'' at '${tok.pos}' in '${text}'.`,
                );
            }
            return { kind: 'literal', type: 'enum', value: tok.v, enumType: tok.type };
        default:
            throw odataError(`Expression expected at position ${tok.pos} in '${text}'.`);
    }
}

export interface ParseFilterOptions {
    /**
     * Accept property paths (`DisplayName/UserLocalizedLabel/Label`) as one property named with its slashes, for
     * metadata objects whose resolver walks complex values. Off for tables: the simulator rejects navigation paths.
     */
    allowPaths?: boolean;
}

/** Parses `$filter` text. Aliases (`@p1`) are looked up in the query string through `aliases`. */
export function parseFilter(
    text: string,
    aliases: AliasLookup = () => undefined,
    options: ParseFilterOptions = {},
): FilterExpr {
    if (text.trim() === '') throw odataError(`Expression expected at position 0 in '${text}'.`);
    return new Parser(text, tokenize(text), aliases, options.allowPaths === true).parse();
}
