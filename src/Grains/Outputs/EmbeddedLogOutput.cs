using Pipeline.Contracts.Logs;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Outputs;

/// <summary>Writes to this silo's embedded SQLite store; duplicate record ids are ignored there.</summary>
public sealed class EmbeddedLogOutput(EmbeddedLogStore store) : ILogOutput
{
    public string Name => "embedded";

    public Task<int> WriteAsync(LogBatch batch, CancellationToken cancellation) => store.WriteAsync(batch, cancellation);
}
