using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Outputs;

/// <summary>
/// A place log records are written to (<c>logs.outputs</c>). Writing the same records again must
/// store nothing twice. An output must not keep the records after it answered: they point into
/// a pooled batch buffer.
/// </summary>
public interface ILogOutput
{
    /// <summary>The output's name from the pipeline file (default: its type), used for routing, metrics and logs.</summary>
    string Name { get; }

    /// <summary>
    /// Writes the records and answers once each is stored, already stored, dead-lettered, or
    /// refused on purpose (<see cref="OutputResult.OlderThanRetention"/>).
    /// Throws when the store could not take them (the caller keeps them and retries).
    /// </summary>
    Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation);
}

/// <summary>What became of the records of one write.</summary>
/// <param name="Stored">Records stored for the first time.</param>
/// <param name="Duplicates">Records the store already held (a replay).</param>
/// <param name="DeadLettered">Records the store rejected for good, kept in the dead-letter store with the reason.</param>
/// <param name="OlderThanRetention">
/// Records the store did not keep because their own time was already past its retention; done
/// with (not retried), counted as <c>pipeline_store_records_rejected_total{reason="older_than_retention"}</c>.
/// </param>
public readonly record struct OutputResult(int Stored, int Duplicates, int DeadLettered, int OlderThanRetention = 0);
