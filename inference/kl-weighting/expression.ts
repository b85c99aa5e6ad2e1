/**
 * KL weights written as formulas of the training position, parsed by mathjs (never `eval`).
 */
import { parse, type MathNode, type EvalFunction } from 'mathjs';
import { InvalidArgumentError } from '../../src/errors.js';
import { TRAINING_POSITION_FIELDS, requireTrainingPosition, type TrainingPosition } from '../position.js';
import { type KLWeighting, type KLWeightingSpec, registerKLWeighting, requireWeight } from './kl-weighting.js';

/** Functions an expression may call: pure real functions, nothing that reaches outside mathjs. */
export const EXPRESSION_FUNCTIONS = [
  'abs',
  'ceil',
  'cos',
  'exp',
  'floor',
  'log',
  'log10',
  'log2',
  'max',
  'min',
  'mod',
  'pow',
  'round',
  'sign',
  'sin',
  'sqrt',
  'tanh',
] as const;

/** Constants an expression may name besides the position fields. */
export const EXPRESSION_CONSTANTS = ['pi', 'e'] as const;

/** Longest formula accepted, in characters: far above any schedule, far below the parser's stack limit. */
export const MAX_EXPRESSION_LENGTH = 1000;

/** Deepest nesting accepted: of brackets before parsing and of the parsed tree (operators, calls). */
export const MAX_EXPRESSION_DEPTH = 32;

/** Operators an expression may use (mathjs operator function names): arithmetic, comparison, logic. */
const OPERATORS = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'smaller',
  'larger',
  'smallerEq',
  'largerEq',
  'equal',
  'unequal',
  'and',
  'or',
  'not',
]);

/** Node types that only combine allowed pieces. Assignments, accessors, objects, blocks, ranges are refused. */
const NODE_TYPES = new Set([
  'ConstantNode',
  'SymbolNode',
  'OperatorNode',
  'ParenthesisNode',
  'FunctionNode',
  'ConditionalNode',
  'RelationalNode',
]);

function refuse(source: string, what: string): never {
  throw new InvalidArgumentError(
    'klWeighting.expression',
    'source',
    source,
    `an arithmetic formula ${what}; allowed symbols: ${[...TRAINING_POSITION_FIELDS, ...EXPRESSION_CONSTANTS].join(', ')}; ` +
      `allowed functions: ${EXPRESSION_FUNCTIONS.join(', ')}`,
  );
}

/** The source shortened for a message: a hostile formula may be megabytes long. */
function shortened(source: string): string {
  return source.length <= 60 ? source : `${source.slice(0, 60)}… (${source.length} characters)`;
}

/** Deepest bracket nesting of `source`, scanned without recursion (before the recursive parser runs). */
function bracketDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of source) {
    if (char === '(' || char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ')' || char === ']' || char === '}') depth--;
  }
  return deepest;
}

/** Depth of the parsed tree, walked with an explicit stack. */
function treeDepth(root: MathNode): number {
  let deepest = 0;
  const stack: Array<[MathNode, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [MathNode, number];
    deepest = Math.max(deepest, depth);
    node.forEach((child) => stack.push([child, depth + 1]));
  }
  return deepest;
}

/** Refuses sources too long or too deeply nested to parse safely (mathjs parses recursively). */
function requireBoundedSize(source: string): void {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new InvalidArgumentError(
      'klWeighting.expression',
      'source',
      shortened(source),
      `a formula of at most ${MAX_EXPRESSION_LENGTH} characters`,
    );
  }
  const depth = bracketDepth(source);
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw new InvalidArgumentError(
      'klWeighting.expression',
      'source',
      shortened(source),
      `a formula nested at most ${MAX_EXPRESSION_DEPTH} brackets deep (found ${depth})`,
    );
  }
}

/** Parses and checks `source`; returns the compiled formula. */
function compileChecked(source: string): EvalFunction {
  requireBoundedSize(source);
  let root: MathNode;
  try {
    root = parse(source);
  } catch (error) {
    refuse(source, `that parses (mathjs: ${(error as Error).message})`);
  }
  const depth = treeDepth(root);
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw new InvalidArgumentError(
      'klWeighting.expression',
      'source',
      shortened(source),
      `a formula whose parsed tree is at most ${MAX_EXPRESSION_DEPTH} levels deep (found ${depth}; long chains of unary or power operators nest)`,
    );
  }
  const symbols = new Set<string>([...TRAINING_POSITION_FIELDS, ...EXPRESSION_CONSTANTS]);
  const functions = new Set<string>(EXPRESSION_FUNCTIONS);
  root.traverse((node, path, parent) => {
    if (!NODE_TYPES.has(node.type)) refuse(source, `without ${node.type} (found '${node.toString()}')`);
    if (node.type === 'FunctionNode') {
      const fn = (node as unknown as { fn: MathNode }).fn;
      const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : fn.toString();
      if (fn.type !== 'SymbolNode' || !functions.has(name)) refuse(source, `without the function '${name}'`);
    } else if (node.type === 'SymbolNode') {
      const isCallee = parent !== null && parent?.type === 'FunctionNode' && path === 'fn';
      const name = (node as unknown as { name: string }).name;
      if (!isCallee && !symbols.has(name)) refuse(source, `without the unknown symbol '${name}'`);
    } else if (node.type === 'ConstantNode') {
      const value: unknown = (node as unknown as { value: unknown }).value;
      if (typeof value !== 'number' && typeof value !== 'boolean') refuse(source, `without the non-numeric constant ${node.toString()}`);
    } else if (node.type === 'OperatorNode') {
      const fn = (node as unknown as { fn: string }).fn;
      if (!OPERATORS.has(fn)) refuse(source, `without the operator '${fn}'`);
    }
  });
  return root.compile();
}

/**
 * A KL weight given as a formula of the position fields `epoch`, `step`, `batchIndex`,
 * `numBatches`, `datasetSize` (and `pi`, `e`), parsed by mathjs, checked once at construction
 * (unknown symbols, functions outside `EXPRESSION_FUNCTIONS`, assignments and property access are an
 * `InvalidArgumentError` listing what is allowed), then evaluated with a scope of exactly the
 * position fields. The value must be a finite number ≥ 0 at every position (else `InvalidArgumentError`).
 * Formulas longer than `MAX_EXPRESSION_LENGTH` characters or nested deeper than
 * `MAX_EXPRESSION_DEPTH` (brackets, or levels of the parsed tree) are an `InvalidArgumentError`
 * before mathjs's recursive parser sees them.
 *
 * @example
 * klWeighting.expression('min(1, epoch / 10) / datasetSize') // linear warm-up over 10 epochs, per example
 */
export function expression(source: string): KLWeighting {
  if (typeof source !== 'string' || source.trim().length === 0) {
    throw new InvalidArgumentError('klWeighting.expression', 'source', source, 'a non-empty formula string');
  }
  const formula = compileChecked(source);
  return {
    name: 'expression',
    describe: `Minimises NLL + (${source}) · KL, the weight evaluated at each training position.`,
    weight(position: TrainingPosition): number {
      const p = requireTrainingPosition('klWeighting.expression', position);
      const scope = new Map<string, number>(TRAINING_POSITION_FIELDS.map((field) => [field, p[field]]));
      const value: unknown = formula.evaluate(scope);
      const number = typeof value === 'boolean' ? Number(value) : value;
      if (typeof number !== 'number') {
        throw new InvalidArgumentError(
          'klWeighting.expression',
          'source',
          source,
          `a formula that evaluates to a number (got ${String(value)})`,
        );
      }
      return requireWeight(`klWeighting.expression('${source}')`, number);
    },
    toJSON: (): KLWeightingSpec => ({ name: 'expression', config: { source } }),
  };
}

registerKLWeighting('expression', (config) => expression(config.source as string));
