const NO_VARIABLES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Workflow variables of one scope ("Passing data between states with variables" > "Variable
 * scope"): the top level is one scope; each Parallel branch and Map iteration gets its own, which
 * reads the outer scopes and assigns only inside itself. Nothing an inner scope assigns is
 * visible outside it: data leaves a branch or iteration through its output only.
 */
export class VariableScope {
  private readonly own = new Map<string, unknown>();
  // visible() is read several times per state entered, assignments are rare: the merged view is
  // kept until this scope assigns or an outer scope's view changes (it is frozen, so sharing it
  // between readers is safe).
  private snapshot: { readonly outer: Readonly<Record<string, unknown>> | undefined; readonly merged: Readonly<Record<string, unknown>> } | undefined;

  constructor(private readonly parent?: VariableScope) {}

  /** A nested scope (a Parallel branch, a Map iteration). */
  child(): VariableScope {
    return new VariableScope(this);
  }

  /** Every variable visible here, inner names shadowing outer ones. */
  visible(): Readonly<Record<string, unknown>> {
    const outer = this.parent?.visible();
    if (this.snapshot !== undefined && this.snapshot.outer === outer) return this.snapshot.merged;
    const merged = this.own.size === 0 ? (outer ?? NO_VARIABLES) : Object.freeze({ ...outer, ...Object.fromEntries(this.own) });
    this.snapshot = { outer, merged };
    return merged;
  }

  /**
   * Assigns all at once: every value was evaluated against the variables as they were before
   * the state's Assign (AWS evaluates all of a state's Assign expressions first, then assigns).
   */
  assign(values: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(values)) this.own.set(name, value);
    this.snapshot = undefined;
  }
}
