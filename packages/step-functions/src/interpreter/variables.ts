/**
 * Workflow variables of one scope ("Passing data between states with variables" > "Variable
 * scope"): the top level is one scope; each Parallel branch and Map iteration gets its own, which
 * reads the outer scopes and assigns only inside itself. Nothing an inner scope assigns is
 * visible outside it: data leaves a branch or iteration through its output only.
 */
export class VariableScope {
  private readonly own = new Map<string, unknown>();

  constructor(private readonly parent?: VariableScope) {}

  /** A nested scope (a Parallel branch, a Map iteration). */
  child(): VariableScope {
    return new VariableScope(this);
  }

  /** Every variable visible here, inner names shadowing outer ones. */
  visible(): Record<string, unknown> {
    const outer = this.parent?.visible() ?? {};
    return { ...outer, ...Object.fromEntries(this.own) };
  }

  /**
   * Assigns all at once: every value was evaluated against the variables as they were before
   * the state's Assign (AWS evaluates all of a state's Assign expressions first, then assigns).
   */
  assign(values: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(values)) this.own.set(name, value);
  }
}
