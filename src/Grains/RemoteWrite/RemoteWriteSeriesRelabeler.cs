using System.Collections.Concurrent;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// What a <c>remote_write</c> entry does to a series before it is queued: add <c>external_labels</c>
/// (a label the series has wins), then run <c>write_relabel_configs</c>, as Prometheus's queue
/// manager does. The outcome is cached per series object: producers hand the same object for every
/// sample of a series, so labels are decoded and relabeled once per series, not per sample.
/// </summary>
/// <remarks>
/// Safe for concurrent producers. The cache is bounded: between two trims it may grow by as many
/// arrays as were used again since the previous trim (the live series), at least
/// <see cref="MinTrimThreshold"/>; a trim forgets the arrays not used since the previous one. A
/// forgotten series still in use is relabeled again on its next sample, with the same outcome.
/// </remarks>
internal sealed class RemoteWriteSeriesRelabeler
{
    /// <summary>The cache is never trimmed below this many series.</summary>
    public const int MinTrimThreshold = 4096;

    private readonly IReadOnlyList<RelabelRule> _rules;
    private readonly KeyValuePair<string, string>[] _externalLabels;
    private readonly ConcurrentDictionary<RemoteWriteSeries, CachedSeries> _cache = new();
    private readonly object _trimGate = new();
    private int _count;
    private int _reused;
    private int _trimAt;
    private int _generation;

    private RemoteWriteSeriesRelabeler(IReadOnlyList<RelabelRule> rules, IReadOnlyList<KeyValuePair<string, string>> externalLabels, int minTrimThreshold)
    {
        _rules = rules;
        _externalLabels = [.. externalLabels];
        _trimAt = minTrimThreshold;
        MinTrim = minTrimThreshold;
    }

    /// <summary>Series currently cached.</summary>
    public int CachedSeriesCount => Volatile.Read(ref _count);

    private int MinTrim { get; }

    /// <summary>A relabeler for the options, or null when there is nothing to do (no rules, no external labels): then the queue pays nothing.</summary>
    public static RemoteWriteSeriesRelabeler? For(RemoteWriteOptions options, int minTrimThreshold = MinTrimThreshold) =>
        options.WriteRelabelRules.Count == 0 && options.ExternalLabels.Count == 0
            ? null
            : new RemoteWriteSeriesRelabeler(options.WriteRelabelRules, options.ExternalLabels, minTrimThreshold);

    /// <summary>
    /// The series to send for a series, or a default one when a rule dropped it (or left it with no label).
    /// The same series is answered for the same <paramref name="series"/> while it is cached;
    /// <paramref name="series"/> itself when nothing changed.
    /// </summary>
    public RemoteWriteSeries Relabel(RemoteWriteSeries series)
    {
        var generation = Volatile.Read(ref _generation);
        if (_cache.TryGetValue(series, out var cached))
        {
            if (cached.LastUsed != generation)
            {
                // First use in this generation: the series is live (written once per series and generation).
                cached.LastUsed = generation;
                Interlocked.Increment(ref _reused);
            }

            return cached.Labels;
        }

        var result = Compute(series);
        if (!_cache.TryAdd(series, new CachedSeries(result, generation)))
        {
            // Another producer relabeled the same series meanwhile: answer its array, so a series keeps one.
            return _cache.TryGetValue(series, out cached) ? cached.Labels : result;
        }

        if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _trimAt))
        {
            Trim();
        }

        return result;
    }

    private RemoteWriteSeries Compute(RemoteWriteSeries series)
    {
        var labels = series.DecodeLabels();
        var builder = new LabelSetBuilder(labels.Length + _externalLabels.Length + 4);
        foreach (var label in labels)
        {
            builder.Set(label.Name, label.Value);
        }

        foreach (var (name, value) in _externalLabels)
        {
            if (builder.Get(name).Length == 0)
            {
                builder.Set(name, value);
            }
        }

        if (!Relabeler.Process(builder, _rules) || builder.Count == 0)
        {
            return default;
        }

        if (builder.Count == labels.Length)
        {
            var same = true;
            for (var i = 0; i < labels.Length && same; i++)
            {
                same = string.Equals(labels[i].Name, builder.NameAt(i), StringComparison.Ordinal) &&
                       string.Equals(labels[i].Value, builder.ValueAt(i), StringComparison.Ordinal);
            }

            if (same)
            {
                return series;
            }
        }

        // The builder keeps names in ordinal order, which is the order remote write requires.
        var result = new RemoteWriteLabel[builder.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new RemoteWriteLabel(builder.NameAt(i), builder.ValueAt(i));
        }

        return RemoteWriteSeries.From(result);
    }

    private void Trim()
    {
        if (!Monitor.TryEnter(_trimGate))
        {
            return; // another producer is trimming
        }

        try
        {
            if (Volatile.Read(ref _count) < _trimAt)
            {
                return;
            }

            // Keep what was used since the previous trim; the rest belongs to series that went away.
            var previous = Volatile.Read(ref _generation);
            var live = Interlocked.Exchange(ref _reused, 0);
            Interlocked.Increment(ref _generation);
            foreach (var (key, value) in _cache)
            {
                if (value.LastUsed != previous && value.LastUsed != previous + 1 && _cache.TryRemove(key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            Volatile.Write(ref _trimAt, Volatile.Read(ref _count) + Math.Max(MinTrim, live));
        }
        finally
        {
            Monitor.Exit(_trimGate);
        }
    }

    private sealed class CachedSeries(RemoteWriteSeries labels, int lastUsed)
    {
        public RemoteWriteSeries Labels { get; } = labels;

        public int LastUsed { get; set; } = lastUsed;
    }
}
