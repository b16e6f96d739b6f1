using Pipeline.Grains.RemoteWrite;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The inverted index of the store: label name → value → ascending series ids, and id → series. A selector
/// reads the posting lists of the matchers that need a label (so <c>job="x"</c> touches only x's series)
/// and intersects them; regular expressions are run once per distinct value, not per series.
/// </summary>
/// <remarks>
/// One reader/writer lock: queries read concurrently; a writer is a new series (rare after warm-up) or a
/// retention pass removing many series at once. Appends of samples to existing series never take it.
/// The index also interns label strings: a new series' labels are rewritten to the index's instances, so
/// each distinct name and value is held, and counted in <see cref="EstimatedBytes"/>, once.
/// </remarks>
internal sealed class PostingsIndex : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, NameEntry> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<int, StoredSeries> _series = [];
    private int _nextId;
    private long _estimatedBytes;

    public long EstimatedBytes => Interlocked.Read(ref _estimatedBytes);

    public int SeriesCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _series.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Creates a series for normalized <paramref name="labels"/> (sorted, no empty values), interning its strings.</summary>
    public StoredSeries Add(RemoteWriteLabel[] labels, int initialHeadBytes)
    {
        _lock.EnterWriteLock();
        try
        {
            var id = _nextId++;
            var interned = new RemoteWriteLabel[labels.Length];
            long bytes = MemoryEstimate.PerSeries + ((long)labels.Length * MemoryEstimate.PerSeriesLabel);
            for (var i = 0; i < labels.Length; i++)
            {
                var (name, value) = labels[i];
                if (!_names.TryGetValue(name, out var entry))
                {
                    entry = new NameEntry(name);
                    _names.Add(name, entry);
                    bytes += MemoryEstimate.PerIndexEntry + MemoryEstimate.String(name.Length);
                }

                if (!entry.Values.TryGetValue(value, out var postings))
                {
                    postings = new PostingList(value);
                    entry.Values.Add(value, postings);
                    bytes += MemoryEstimate.PerIndexEntry + MemoryEstimate.String(value.Length);
                }

                postings.Add(id);
                interned[i] = new RemoteWriteLabel(entry.Name, postings.Value);
            }

            var series = new StoredSeries(id, interned, initialHeadBytes);
            _series.Add(id, series);
            _estimatedBytes += bytes;
            return series;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes series (all at once, so each posting list is rewritten once).</summary>
    public void Remove(IReadOnlyCollection<StoredSeries> removed)
    {
        if (removed.Count == 0)
        {
            return;
        }

        var ids = new HashSet<int>(removed.Count);
        var touched = new HashSet<(string Name, string Value)>();
        foreach (var series in removed)
        {
            ids.Add(series.Id);
            foreach (var label in series.Labels)
            {
                touched.Add((label.Name, label.Value));
            }
        }

        _lock.EnterWriteLock();
        try
        {
            long bytes = 0;
            foreach (var series in removed)
            {
                if (_series.Remove(series.Id))
                {
                    bytes -= MemoryEstimate.PerSeries + ((long)series.Labels.Length * MemoryEstimate.PerSeriesLabel);
                }
            }

            foreach (var (name, value) in touched)
            {
                if (!_names.TryGetValue(name, out var entry) || !entry.Values.TryGetValue(value, out var postings))
                {
                    continue;
                }

                postings.RemoveAll(ids);
                if (postings.Count == 0)
                {
                    entry.Values.Remove(value);
                    bytes -= MemoryEstimate.PerIndexEntry + MemoryEstimate.String(value.Length);
                    if (entry.Values.Count == 0)
                    {
                        _names.Remove(name);
                        bytes -= MemoryEstimate.PerIndexEntry + MemoryEstimate.String(name.Length);
                    }
                }
            }

            _estimatedBytes += bytes;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Every series (a snapshot of the list, for retention and eviction passes).</summary>
    public List<StoredSeries> All()
    {
        _lock.EnterReadLock();
        try
        {
            return [.. _series.Values];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The series matching every matcher. At least one matcher must not match the empty string (Prometheus's
    /// rule: a selector that matches series lacking every label it names would select everything).
    /// </summary>
    public List<StoredSeries> Select(IReadOnlyList<LabelMatcher> matchers)
    {
        var needsLabel = new List<LabelMatcher>(matchers.Count);
        var rest = new List<LabelMatcher>(matchers.Count);
        foreach (var matcher in matchers)
        {
            (matcher.MatchesEmpty ? rest : needsLabel).Add(matcher);
        }

        if (needsLabel.Count == 0)
        {
            throw new ArgumentException("a selector needs at least one matcher that does not match the empty string, e.g. job=\"x\" or __name__=~\".+\"", nameof(matchers));
        }

        // Exact matches first: they are the shortest lists and cost no regex.
        needsLabel.Sort((a, b) => (a.Type == MatchType.Equal ? 0 : 1).CompareTo(b.Type == MatchType.Equal ? 0 : 1));
        var result = new List<StoredSeries>();
        _lock.EnterReadLock();
        try
        {
            int[]? candidates = null;
            foreach (var matcher in needsLabel)
            {
                var postings = Postings(matcher);
                candidates = candidates is null ? postings : Intersect(candidates, postings);
                if (candidates.Length == 0)
                {
                    return result;
                }
            }

            foreach (var id in candidates!)
            {
                var series = _series[id];
                if (MatchesAll(series, rest))
                {
                    result.Add(series);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    /// <summary>The label names and, for each, its posting lists: for label names/values without matchers.</summary>
    public List<(string Name, List<(string Value, StoredSeries[] Series)> Values)> Names(string? only)
    {
        var result = new List<(string, List<(string, StoredSeries[])>)>();
        _lock.EnterReadLock();
        try
        {
            foreach (var entry in _names.Values)
            {
                if (only is not null && !string.Equals(entry.Name, only, StringComparison.Ordinal))
                {
                    continue;
                }

                var values = new List<(string, StoredSeries[])>(entry.Values.Count);
                foreach (var postings in entry.Values.Values)
                {
                    var series = new StoredSeries[postings.Count];
                    var ids = postings.Ids;
                    for (var i = 0; i < ids.Length; i++)
                    {
                        series[i] = _series[ids[i]];
                    }

                    values.Add((postings.Value, series));
                }

                result.Add((entry.Name, values));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    private static bool MatchesAll(StoredSeries series, List<LabelMatcher> matchers)
    {
        foreach (var matcher in matchers)
        {
            if (!matcher.Matches(series.Get(matcher.Name)))
            {
                return false;
            }
        }

        return true;
    }

    // The ids of the series whose value of the matcher's label passes it (the label present: the matcher does not match empty).
    private int[] Postings(LabelMatcher matcher)
    {
        if (!_names.TryGetValue(matcher.Name, out var entry))
        {
            return [];
        }

        if (matcher.Type == MatchType.Equal)
        {
            return entry.Values.TryGetValue(matcher.Value, out var exact) ? exact.Ids.ToArray() : [];
        }

        var lists = new List<PostingList>();
        var total = 0;
        foreach (var postings in entry.Values.Values)
        {
            if (matcher.Matches(postings.Value))
            {
                lists.Add(postings);
                total += postings.Count;
            }
        }

        var ids = new int[total];
        var at = 0;
        foreach (var postings in lists)
        {
            postings.Ids.CopyTo(ids.AsSpan(at));
            at += postings.Count;
        }

        // A series has one value per name, so the lists are disjoint: sorting their concatenation is their union.
        if (lists.Count > 1)
        {
            Array.Sort(ids);
        }

        return ids;
    }

    private static int[] Intersect(int[] a, int[] b)
    {
        var result = new int[Math.Min(a.Length, b.Length)];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                result[n++] = a[i];
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return n == result.Length ? result : result[..n];
    }

    private sealed class NameEntry(string name)
    {
        public string Name { get; } = name;

        public Dictionary<string, PostingList> Values { get; } = new(StringComparer.Ordinal);
    }
}
