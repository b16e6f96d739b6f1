using Pipeline.Contracts.Logs;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Processing;

namespace Pipeline.Grains.DeadLetters;

/// <summary>
/// Sends dead letters back to the outputs that refused them, oldest first, a page at a time, and
/// removes those the output now holds. A letter refused again is replaced in the store by the
/// output (new reason, new sequence), so removing the page's old sequences never loses it, and it
/// is not tried twice in one replay. An output that fails stops the replay of its letters; they
/// stay for the next try.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterStore store, IEnumerable<ILogOutput> outputs)
{
    public const int PageSize = 500;

    private readonly Dictionary<string, ILogOutput> _outputs = outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);

    public async Task<DeadLetterReplayResult> ReplayAsync(string? tenant, CancellationToken cancellation)
    {
        long replayed = 0, stored = 0, rejected = 0;
        var errors = new List<string>();
        var failedOutputs = new HashSet<string>(StringComparer.Ordinal);
        // A letter refused again comes back with a newer sequence: it is tried once per replay.
        var attempted = new HashSet<(string Output, string Id)>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadOldestAsync(null, PageSize, after, cancellation).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Sequence;
            var due = page.Where(l => (tenant is null || l.Letter.Tenant == tenant) && attempted.Add((l.Letter.Output, l.Letter.Id)));
            foreach (var group in due.GroupBy(l => l.Letter.Output, StringComparer.Ordinal))
            {
                if (failedOutputs.Contains(group.Key))
                {
                    continue;
                }

                if (!_outputs.TryGetValue(group.Key, out var output))
                {
                    failedOutputs.Add(group.Key);
                    errors.Add($"output '{group.Key}' is not configured on this silo; its letters stay");
                    continue;
                }

                var letters = group.ToList();
                var records = new List<LogEvent>(letters.Count);
                var readable = new List<long>(letters.Count);
                foreach (var letter in letters)
                {
                    try
                    {
                        records.Add(LogEventJson.Read(letter.Letter.Document, letter.Letter.Tenant));
                        readable.Add(letter.Sequence);
                    }
                    catch (FormatException e)
                    {
                        errors.Add($"letter {letter.Letter.Id} cannot be read back ({e.Message}); it stays");
                    }
                }

                try
                {
                    var result = await output.WriteAsync(records, cancellation).ConfigureAwait(false);
                    replayed += records.Count;
                    stored += result.Stored + result.Duplicates;
                    rejected += result.DeadLettered;
                    await store.RemoveAsync(readable, cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failedOutputs.Add(group.Key);
                    errors.Add($"output '{group.Key}' failed: {e.Message}; its letters stay");
                }
            }
        }

        var remaining = await store.ListAsync(tenant, 0, null, cancellation).ConfigureAwait(false);
        return new DeadLetterReplayResult { Replayed = replayed, Stored = stored, RejectedAgain = rejected, Remaining = remaining.Total, Errors = errors };
    }
}
