using Pipeline.Grains.Processing;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Outputs;

/// <summary>Writes to this silo's embedded SQLite store; duplicate record ids are ignored there, records older than its retention refused.</summary>
public sealed class EmbeddedLogOutput(EmbeddedLogStore store, string name = "embedded") : ILogOutput
{
    public string Name => name;

    public async Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation)
    {
        var written = await store.WriteAsync(records, cancellation).ConfigureAwait(false);
        return new OutputResult(written.Stored, written.Duplicates, 0, written.OlderThanRetention);
    }
}
