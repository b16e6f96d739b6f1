using System.Collections.Concurrent;

namespace Pipeline.Grains.Telemetry;

/// <summary>
/// Which outputs of this silo cannot deliver anything until someone fixes their configuration or
/// the store's (a missing privilege, a refused index template, a missing index): records wait in
/// the collectors' buffers meanwhile, and nothing goes to the dead-letter store. Shown as
/// <c>pipeline_output_blocked</c> at <c>/metrics</c> and by <c>/readyz</c>; an output clears its entry
/// with its next successful write.
/// </summary>
public sealed class OutputHealth
{
    private readonly ConcurrentDictionary<string, OutputBlock> _blocks = new(StringComparer.Ordinal);

    /// <summary>The outputs blocked now, by name.</summary>
    public IReadOnlyList<OutputBlock> Blocks => [.. _blocks.Values.OrderBy(b => b.Output, StringComparer.Ordinal)];

    /// <summary>Records that <paramref name="output"/> cannot deliver; returns true when it was not blocked before (or for another reason).</summary>
    public bool Block(string output, string reason, string message, DateTimeOffset since)
    {
        var changed = true;
        _blocks.AddOrUpdate(
            output,
            _ => new OutputBlock(output, reason, message, since),
            (_, current) =>
            {
                changed = current.Reason != reason;
                return changed ? new OutputBlock(output, reason, message, since) : current with { Message = message };
            });
        return changed;
    }

    /// <summary>Records that <paramref name="output"/> delivers again; returns true when it was blocked.</summary>
    public bool Unblock(string output) => !_blocks.IsEmpty && _blocks.TryRemove(output, out _);
}
