/**
 * What every LeaderElector keeps alike: whether this instance leads now, and the listeners told
 * when that changes (a listener that throws is reported and does not stop the others).
 */
export class LeadershipState {
  private current = false;
  private readonly listeners = new Set<(leading: boolean) => void>();

  get leading(): boolean {
    return this.current;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    const entry = (leading: boolean): void => listener(leading);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  set(leading: boolean): void {
    this.current = leading;
    for (const listener of [...this.listeners]) {
      try {
        listener(leading);
      } catch (err) {
        process.emitWarning(`leadership listener failed: ${String(err)}`);
      }
    }
  }
}
