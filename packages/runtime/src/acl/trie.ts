/**
 * @module acl/trie
 * The lookup structure of one app policy's operations, with daprd's matching rules
 * (dapr/dapr `pkg/config/acl_trie.go`), which are not plain globbing:
 * - an operation is stored segment by segment (`/orders/*` → `/orders`, `/*`);
 * - a stored operation also matches every path below it (`/public` matches `/public/extra`);
 * - `/*` matches exactly one more segment, and also the parent itself (`/orders/*` matches `/orders`);
 * - `/**` matches any number of further segments;
 * - `*` inside a segment matches any run of characters (`/ord*` matches `/orders`);
 * - children are tried in the order the operations were listed, so an earlier wildcard wins over a
 *   later literal; the first operation stored for a path wins over a later duplicate.
 */

const ONE = '/*';
const ANY = '/**';

interface Node<T> {
  segment: string;
  data?: T;
  children: Node<T>[];
}

export class OperationTrie<T> {
  private readonly root: Node<T> = { segment: '/', children: [] };

  /** Stores `data` under `operation` (which starts with `/`). */
  put(operation: string, data: T): void {
    const parts = operation.split('/').slice(1);
    let node = this.root;
    parts.forEach((part, i) => {
      const segment = '/' + part;
      const last = i === parts.length - 1;
      let child = node.children.find((c) => c.segment === segment);
      if (!child) {
        child = { segment, children: [] };
        node.children.push(child);
      }
      if (last) child.data ??= data;
      node = child;
    });
  }

  /** The data of the operation that governs `operation` (which starts with `/`), if any. */
  search(operation: string): T | undefined {
    const parts = operation.split('/').slice(1);
    let node: Node<T> | undefined = this.root;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      node = findChild(node, '/' + parts[i], last);
      if (!node) return undefined;
      if (node.data !== undefined) {
        // A `/*` reached before the end only stands for this one segment: keep walking.
        if (!last && node.segment.endsWith(ONE) && !node.segment.endsWith(ANY)) continue;
        return node.data;
      }
      if (last) {
        const one = findChild(node, ONE, true);
        return one?.data;
      }
    }
    return undefined;
  }
}

function findChild<T>(node: Node<T>, segment: string, last: boolean): Node<T> | undefined {
  for (const child of node.children) {
    if (child.segment === segment) return child;
    if (child.segment === ONE) {
      if (last) return child;
      continue;
    }
    if (child.segment === ANY) return child;
    if (globMatch(segment, child.segment)) return child;
  }
  return undefined;
}

/** `*` in `pattern` matches any run of characters (also none); everything else matches itself. */
export function globMatch(text: string, pattern: string): boolean {
  // Row i of the table: can text[0..i) be matched by pattern[0..j)?
  let prev: boolean[] = [true];
  for (let j = 1; j <= pattern.length; j++) prev[j] = prev[j - 1] === true && pattern[j - 1] === '*';
  for (let i = 1; i <= text.length; i++) {
    const row: boolean[] = [false];
    for (let j = 1; j <= pattern.length; j++) {
      const p = pattern[j - 1];
      row[j] = p === '*' ? row[j - 1] === true || prev[j] === true : p === text[i - 1] && prev[j - 1] === true;
    }
    prev = row;
  }
  return prev[pattern.length] === true;
}
