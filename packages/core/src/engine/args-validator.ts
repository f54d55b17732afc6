import { ParameterValidationError } from '../errors.js';
import {
  isStandardSchema,
  type StandardSchemaV1,
  type StandardSchemaV1Issue,
  type StandardSchemaV1Result,
} from './standard-schema.js';

/**
 * How a flow's or task's parameters are validated: one Standard Schema for the object of all
 * parameters by name (e.g. `z.object({ n: z.number() })`), or one schema per parameter name.
 */
export type ParamsSchema = StandardSchemaV1 | Readonly<Record<string, StandardSchemaV1>>;

/** Constructors that `design:paramtypes` emits for primitive parameter types, and the `typeof` each means. */
const PRIMITIVES = new Map<unknown, string>([
  [Number, 'number'],
  [String, 'string'],
  [Boolean, 'boolean'],
  [BigInt, 'bigint'],
  [Symbol, 'symbol'],
]);

/** A compiled validator of one definition's arguments. */
export interface ArgsValidator {
  /** Returns the validated (possibly transformed) arguments, or throws ParameterValidationError. */
  (runName: string, args: unknown[]): unknown[] | Promise<unknown[]>;
}

function issuePath(issue: StandardSchemaV1Issue): string | undefined {
  const first = issue.path?.[0];
  if (first === undefined) return undefined;
  return String(typeof first === 'object' ? first.key : first);
}

function applyResult(
  runName: string,
  parameter: string | undefined,
  result: StandardSchemaV1Result<unknown>,
): unknown {
  if (result.issues) {
    const issue = result.issues[0];
    const name = parameter ?? issuePath(issue) ?? '(parameters)';
    const detail = result.issues.map((i) => i.message).join('; ');
    throw new ParameterValidationError(runName, name, detail);
  }
  return result.value;
}

/**
 * Compiles a validator from the `params` option and, when emitted by the compiler, the parameter
 * types from `design:paramtypes` (only primitive types are checked). Returns undefined when there is
 * nothing to check, so that the fast path stays free.
 */
export function compileValidator(
  paramNames: readonly string[],
  schema: ParamsSchema | undefined,
  paramTypes: readonly unknown[] | undefined,
): ArgsValidator | undefined {
  const primitiveChecks: [index: number, type: string][] = [];
  paramTypes?.forEach((t, i) => {
    const type = PRIMITIVES.get(t);
    if (type) primitiveChecks.push([i, type]);
  });
  if (!schema && primitiveChecks.length === 0) return undefined;

  const checkPrimitives = (runName: string, args: unknown[]): void => {
    for (const [i, type] of primitiveChecks) {
      const v = args[i];
      // Optional parameters emit the same metadata as required ones, so absent values pass.
      if (v !== undefined && v !== null && typeof v !== type) {
        throw new ParameterValidationError(
          runName,
          paramNames[i] ?? `arg${i}`,
          `expected a ${type}, got ${typeof v}`,
        );
      }
    }
  };

  if (!schema) {
    return (runName, args) => {
      checkPrimitives(runName, args);
      return args;
    };
  }

  if (isStandardSchema(schema)) {
    const whole = schema;
    return (runName, args) => {
      checkPrimitives(runName, args);
      const named: Record<string, unknown> = {};
      paramNames.forEach((name, i) => (named[name] = args[i]));
      const finish = (result: StandardSchemaV1Result<unknown>): unknown[] => {
        const value = applyResult(runName, undefined, result) as Record<string, unknown>;
        const out = args.slice();
        paramNames.forEach((name, i) => {
          if (value && typeof value === 'object' && name in value) out[i] = value[name];
        });
        return out;
      };
      const result = whole['~standard'].validate(named);
      return result instanceof Promise ? result.then(finish) : finish(result);
    };
  }

  const perParam = Object.entries(schema).map(([name, s]) => {
    const index = paramNames.indexOf(name);
    return { name, index, schema: s };
  });
  return (runName, args) => {
    checkPrimitives(runName, args);
    const out = args.slice();
    const pending: Promise<void>[] = [];
    for (const { name, index, schema: s } of perParam) {
      if (index < 0) {
        throw new ParameterValidationError(
          runName,
          name,
          `no parameter of that name (parameters: ${paramNames.join(', ')})`,
        );
      }
      const result = s['~standard'].validate(args[index]);
      if (result instanceof Promise)
        pending.push(result.then((r) => void (out[index] = applyResult(runName, name, r))));
      else out[index] = applyResult(runName, name, result);
    }
    return pending.length ? Promise.all(pending).then(() => out) : out;
  };
}
