/**
 * Connection ids are `<nodeId>.<counter>`: unique across the deployment as
 * long as node ids are, and they name their owner, so a send to one
 * connection goes straight to the node that holds it.
 */
export function connectionIdFactory(nodeId: string): () => string {
  let counter = 0;
  return () => `${nodeId}.${(++counter).toString(36)}`;
}

/** The node that owns a connection id, or undefined for an id not of this shape. */
export function ownerOf(id: string): string | undefined {
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : undefined;
}
