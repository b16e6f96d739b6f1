using Pipeline.Grains.Processing;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Outputs;

/// <summary>Writes to this silo's embedded SQLite store; duplicate record ids are ignored there.</summary>
public sealed class EmbeddedLogOutput(EmbeddedLogStore store, string name = "embedded") : ILogOutput
{
    public string Name => name;

    public async Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation)
    {
        var stored = await store.WriteAsync(records, cancellation).ConfigureAwait(false);
        return new OutputResult(stored, records.Count - stored, 0);
    }
}
