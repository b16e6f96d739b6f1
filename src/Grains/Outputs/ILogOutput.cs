using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Outputs;

/// <summary>A place log batches are written to. Writing the same batch again must store nothing twice.</summary>
public interface ILogOutput
{
    /// <summary>Name used in metrics and logs (<c>embedded</c>, <c>null</c>, …).</summary>
    string Name { get; }

    /// <summary>Writes the batch; returns how many records were new. Throws when the store could not take the batch.</summary>
    Task<int> WriteAsync(LogBatch batch, CancellationToken cancellation);
}
