import type { Filter } from '../read-store.port.js';
import { isOperatorObject } from './documents.js';

/**
 * Filters compiled to SQL over the JSON documents of the SQLite read store: MongoDB's
 * semantics for the subset the port supports (`documents.ts` has the same semantics in
 * JavaScript, and a test runs both on the same documents).
 */
/** A document field as a JSON path: `meta.level` -> `$."meta"."level"`. */
export const jsonPath = (field: string): string => `$.${field.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.')}`;

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export type Compiled = { sql: string; params: unknown[] };

/** SQLite's types for a JSON value of the same kind, for comparisons of like with like. */
function jsonTypesOf(value: unknown): string[] {
  if (typeof value === 'number') return ['integer', 'real'];
  if (typeof value === 'string') return ['text'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  throw new Error(`unsupported comparison value ${JSON.stringify(value)}`);
}

/** SQLite stores JSON booleans as 1 and 0. */
const sqlValue = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

export class FilterCompiler {
  constructor(private readonly indexed: ReadonlySet<string>) {}

  compile(filter: Filter): Compiled {
    const parts: Compiled[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        const branches = (value as Filter[]).map((f) => this.compile(f));
        if (branches.length === 0) continue;
        const joined = branches.map((b) => `(${b.sql})`).join(key === '$and' ? ' AND ' : ' OR ');
        parts.push({ sql: key === '$nor' ? `NOT (${joined})` : joined, params: branches.flatMap((b) => b.params) });
      } else if (key.startsWith('$')) throw new Error(`unsupported filter operator ${key}`);
      else parts.push(this.field(key, value));
    }
    if (parts.length === 0) return { sql: '1', params: [] };
    return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
  }

  private field(field: string, condition: unknown): Compiled {
    if (!isOperatorObject(condition)) return this.equals(field, condition);
    const parts: Compiled[] = [];
    for (const [operator, operand] of Object.entries(condition)) {
      switch (operator) {
        case '$eq':
          parts.push(this.equals(field, operand));
          break;
        case '$ne': {
          const equal = this.equals(field, operand);
          parts.push({ sql: `NOT (${equal.sql})`, params: equal.params });
          break;
        }
        case '$in':
        case '$nin': {
          const any = this.anyOf(field, operand as unknown[]);
          parts.push(operator === '$in' ? any : { sql: `NOT (${any.sql})`, params: any.params });
          break;
        }
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte': {
          const sign = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[operator];
          const types = jsonTypesOf(operand);
          parts.push(this.anyElement(field, `type IN (${types.map(() => '?').join(', ')}) AND value ${sign} ?`, [...types, sqlValue(operand)]));
          break;
        }
        case '$exists':
          parts.push({ sql: `json_type(doc, ?) IS ${operand ? 'NOT NULL' : 'NULL'}`, params: [jsonPath(field)] });
          break;
        case '$regex': {
          const flags = typeof condition.$options === 'string' ? condition.$options : '';
          parts.push(this.anyElement(field, `type = 'text' AND read_store_regexp(?, ?, value)`, [String(operand), flags]));
          break;
        }
        case '$options':
          break;
        default:
          throw new Error(`unsupported filter operator ${operator}`);
      }
    }
    return { sql: parts.map((p) => `(${p.sql})`).join(' AND ') || '1', params: parts.flatMap((p) => p.params) };
  }

  /** Mongo's equality: null matches missing; a scalar matches the field or an element of an array field. */
  private equals(field: string, value: unknown): Compiled {
    if (field === '_id') return { sql: 'id = ?', params: [value] };
    if (value === null || value === undefined) return { sql: `json_type(doc, ?) IS NULL OR json_type(doc, ?) = 'null'`, params: [jsonPath(field), jsonPath(field)] };
    // An object or array equals a stored object or array with the same JSON (a scalar never does).
    if (typeof value === 'object')
      return { sql: `CASE WHEN json_type(doc, ?) IN ('object', 'array') THEN json_extract(doc, ?) = json(?) ELSE 0 END`, params: [jsonPath(field), jsonPath(field), JSON.stringify(value)] };
    // A declared index key holds one value: the comparison its expression index serves.
    if (this.indexed.has(field) && typeof value !== 'boolean') return { sql: `${fieldExpression(field)} = ?`, params: [value] };
    return this.anyElement(field, `type IN (${jsonTypesOf(value).map(() => '?').join(', ')}) AND value = ?`, [...jsonTypesOf(value), sqlValue(value)]);
  }

  /**
   * The field equals one of the values. The id, and a declared index key holding strings
   * or numbers, compare with one `IN` list (their index serves it); otherwise the
   * equalities are joined as a balanced tree of ORs, since a chain of a thousand (a
   * member import's addresses) passes SQLite's expression depth of 1,000.
   */
  private anyOf(field: string, values: unknown[]): Compiled {
    if (values.length === 0) return { sql: '0', params: [] };
    const list = `(${values.map(() => '?').join(', ')})`;
    if (field === '_id') return { sql: `id IN ${list}`, params: values };
    if (this.indexed.has(field) && values.every((v) => typeof v === 'string' || typeof v === 'number')) return { sql: `${fieldExpression(field)} IN ${list}`, params: values };
    const join = (options: Compiled[]): Compiled => {
      if (options.length === 1) return options[0];
      const half = Math.ceil(options.length / 2);
      const [left, right] = [join(options.slice(0, half)), join(options.slice(half))];
      return { sql: `(${left.sql}) OR (${right.sql})`, params: [...left.params, ...right.params] };
    };
    return join(values.map((v) => this.equals(field, v)));
  }

  /** The field's value, or any element of it when it is an array, satisfies `condition`. */
  private anyElement(field: string, condition: string, params: unknown[]): Compiled {
    // json_each walks an array's elements (integer keys) and gives a single row (null key)
    // for a scalar; an object's members (text keys) are not the object's value.
    return { sql: `EXISTS (SELECT 1 FROM json_each(doc, ?) WHERE typeof(key) != 'text' AND ${condition})`, params: [jsonPath(field), ...params] };
  }
}

/** A field as an SQL expression (the same text an expression index was declared with, so it can serve). */
export const fieldExpression = (field: string): string => (field === '_id' ? 'id' : `json_extract(doc, '${jsonPath(field).replace(/'/g, "''")}')`);
