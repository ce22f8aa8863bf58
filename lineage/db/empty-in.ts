import {
  BinaryOperationNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  OperatorNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueListNode,
  ValueNode,
} from 'kysely';

// `where(col, 'in', [])` compiles to `col in ()`: SQLite reads it as false, Postgres rejects it as a syntax error. This
// plugin (on every database evolve opens) writes an empty `in` as `1 = 0` and an empty `not in` as `1 = 1`, which is
// what SQL means by them, so a query over an empty list means the same on both and no caller has to remember a guard.

class EmptyInLists extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const op = OperatorNode.is(node.operator) ? node.operator.operator : undefined;
    if ((op === 'in' || op === 'not in') && isEmptyList(node.rightOperand)) {
      const never = op === 'in';
      return BinaryOperationNode.create(
        ValueNode.createImmediate(1),
        OperatorNode.create('='),
        ValueNode.createImmediate(never ? 0 : 1),
      );
    }
    return super.transformBinaryOperation(node);
  }
}

function isEmptyList(node: unknown): boolean {
  const n = node as Parameters<typeof PrimitiveValueListNode.is>[0];
  return (PrimitiveValueListNode.is(n) && n.values.length === 0) || (ValueListNode.is(n) && n.values.length === 0);
}

export class EmptyInListPlugin implements KyselyPlugin {
  readonly #transformer = new EmptyInLists();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
