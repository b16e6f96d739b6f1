using System.Collections.Concurrent;
using Pipeline.Grains.DeadLetters;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>A dead-letter sink that keeps letters in memory, replacing a letter of the same record and output as the real store does.</summary>
internal sealed class RecordingDeadLetterSink : IDeadLetterSink
{
    private readonly ConcurrentDictionary<(string Output, string Id), DeadLetter> _letters = new();

    public int Calls { get; private set; }

    public IReadOnlyList<DeadLetter> Letters => [.. _letters.Values.OrderBy(l => l.Id, StringComparer.Ordinal)];

    public Task AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellation)
    {
        Calls++;
        foreach (var letter in letters)
        {
            _letters[(letter.Output, letter.Id)] = letter;
        }

        return Task.CompletedTask;
    }
}
