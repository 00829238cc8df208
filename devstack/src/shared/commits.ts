// In-process news that an API request has committed a write. The realtime module then looks at
// the WAL at once instead of at its next poll, as Realtime's replication stream hears of a commit
// at once; writes from elsewhere (psql, jobs) are still found by the poll.
export class CommitSignal {
  private readonly listeners = new Set<() => void>()

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  notify(): void {
    for (const listener of this.listeners) listener()
  }
}
