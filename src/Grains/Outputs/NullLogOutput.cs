using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Outputs;

/// <summary>Acknowledges every batch and keeps nothing: measures the pipeline without a store.</summary>
public sealed class NullLogOutput : ILogOutput
{
    public string Name => "null";

    public Task<int> WriteAsync(LogBatch batch, CancellationToken cancellation) => Task.FromResult(batch.Count);
}
