using Pipeline.Grains.Processing;

namespace Pipeline.Grains.Outputs;

/// <summary>Acknowledges every record and keeps nothing: measures the pipeline without a store.</summary>
public sealed class NullLogOutput(string name = "null") : ILogOutput
{
    public string Name => name;

    public Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation) =>
        Task.FromResult(new OutputResult(records.Count, 0, 0));
}
