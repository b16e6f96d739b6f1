namespace Pipeline.Grains.Store.Embedded;

/// <summary>What became of the records of one <see cref="EmbeddedLogStore.WriteAsync(IReadOnlyList{Processing.LogEvent}, CancellationToken)"/>.</summary>
/// <param name="Stored">Records stored for the first time.</param>
/// <param name="Duplicates">Records whose id was already stored (a replay): nothing written.</param>
/// <param name="OlderThanRetention">
/// Records not stored because their own time was already past the retention when they arrived (a
/// backfill, a node whose clock is behind): retention would delete them at its next run, so they
/// are refused and counted instead, as the metric store refuses samples older than its retention.
/// </param>
public readonly record struct EmbeddedLogWriteResult(int Stored, int Duplicates, int OlderThanRetention);
