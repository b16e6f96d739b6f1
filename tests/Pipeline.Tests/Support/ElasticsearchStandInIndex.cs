namespace Pipeline.Tests.Support;

/// <summary>
/// One index of the stand-in: its documents by <c>_id</c>, its mapping and settings, and what a
/// search sees of it. As in Elasticsearch, a write is visible to search only after a refresh:
/// <see cref="Documents"/> holds every write, <see cref="Searchable"/> the documents as of the
/// last refresh. The stand-in calls every member under its lock.
/// </summary>
public sealed class ElasticsearchStandInIndex(string name, ElasticsearchStandInMapping mapping)
{
    // Writes since the last refresh, by _id: the new document, or null when it was deleted.
    private readonly Dictionary<string, ElasticsearchStandInDocument?> _unrefreshed = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource<bool>> _refreshListeners = [];

    // The stand-in-wide write position of the last write, and of the last write a refresh made visible.
    private long _lastWrite;
    private long _visibleThrough;

    public string Name { get; } = name;

    public ElasticsearchStandInMapping Mapping { get; } = mapping;

    /// <summary>Its index settings as Elasticsearch keeps them (the mapping's; see <see cref="ElasticsearchStandInIndexSettings"/>).</summary>
    public ElasticsearchStandInIndexSettings Settings => Mapping.Settings;

    /// <summary>The data stream this index backs (its name is then <c>.ds-{stream}-{date}-000001</c>), or null.</summary>
    public string? DataStream { get; init; }

    /// <summary>The index template it was created from, or null.</summary>
    public string? Template { get; init; }

    /// <summary>Its shard count, replicas, refresh interval and the other shard-level settings the stand-in acts on.</summary>
    public ElasticsearchStandInShardSettings ShardSettings { get; init; } = ElasticsearchStandInShardSettings.Default;

    /// <summary>Every write, visible or not: what the test-side inspectors show.</summary>
    internal Dictionary<string, ElasticsearchStandInDocument> Documents { get; } = new(StringComparer.Ordinal);

    /// <summary>The documents as of the last refresh: what <c>_search</c> and <c>_count</c> see.</summary>
    internal Dictionary<string, ElasticsearchStandInDocument> Searchable { get; } = new(StringComparer.Ordinal);

    /// <summary>The next <c>_seq_no</c> (per index here; per shard in Elasticsearch, the same for one shard).</summary>
    internal long NextSeqNo { get; set; }

    /// <summary>The periodic refresh, while the index has an interval.</summary>
    internal ITimer? RefreshTimer { get; set; }

    /// <summary>Refreshes done, whatever started them.</summary>
    internal long Refreshes { get; private set; }

    /// <summary>When a search last reached the index (a <see cref="TimeProvider"/> timestamp); set to its creation, as in Elasticsearch.</summary>
    internal long LastSearcherAccess { get; private set; }

    /// <summary>A scheduled refresh was skipped because the index was search-idle; the next search refreshes first.</summary>
    internal bool RefreshPending { get; private set; }

    internal bool RefreshNeeded => _unrefreshed.Count > 0;

    /// <summary>Records a write (a document, or null for a delete) at <paramref name="position"/> as not yet visible.</summary>
    internal void Write(string id, ElasticsearchStandInDocument? document, long position)
    {
        _lastWrite = position;
        if (document is null)
        {
            Documents.Remove(id);
        }
        else
        {
            Documents[id] = document;
        }

        _unrefreshed[id] = document;
    }

    /// <summary>Makes every write so far visible and releases the <c>refresh=wait_for</c> requests waiting for it.</summary>
    internal void Refresh()
    {
        foreach (var (id, document) in _unrefreshed)
        {
            if (document is null)
            {
                Searchable.Remove(id);
            }
            else
            {
                Searchable[id] = document;
            }
        }

        _unrefreshed.Clear();
        _visibleThrough = _lastWrite;
        RefreshPending = false;
        Refreshes++;
        foreach (var listener in _refreshListeners)
        {
            listener.TrySetResult(true);
        }

        _refreshListeners.Clear();
    }

    /// <summary>
    /// What Elasticsearch's scheduled refresh does (<c>IndexShard.scheduledRefresh</c>): nothing
    /// when nothing changed and nobody waits; when the index is search-idle and its interval is
    /// not set explicitly, skip and remember that a refresh is pending, unless a
    /// <c>wait_for</c> request is waiting; otherwise refresh.
    /// </summary>
    internal void ScheduledRefresh(long now, TimeProvider time, TimeSpan searchIdleAfter)
    {
        var listenerNeedsRefresh = _refreshListeners.Count > 0;
        if (!listenerNeedsRefresh && !RefreshNeeded)
        {
            return;
        }

        if (!listenerNeedsRefresh && ShardSettings.RefreshInterval is null && time.GetElapsedTime(LastSearcherAccess, now) >= searchIdleAfter)
        {
            RefreshPending = true;
            return;
        }

        Refresh();
    }

    /// <summary>Starts the search-idle clock at the index's creation.</summary>
    internal void Created(long now) => LastSearcherAccess = now;

    /// <summary>
    /// A search reaches the index (<c>IndexShard.ensureShardSearchActive</c>): it is no longer
    /// search-idle, and a refresh skipped while it was runs before the search reads.
    /// </summary>
    internal void EnsureSearchActive(long now)
    {
        LastSearcherAccess = now;
        if (RefreshPending)
        {
            Refresh();
        }
    }

    /// <summary>
    /// Waits until a refresh has made the write at <paramref name="position"/> visible
    /// (<c>refresh=wait_for</c>); at once when one already has. Past
    /// <c>index.max_refresh_listeners</c> waiters Elasticsearch refreshes at once instead and
    /// answers <c>forced_refresh: true</c>; so does this.
    /// </summary>
    internal Task AddRefreshListener(long position, out bool forcedRefresh)
    {
        forcedRefresh = false;
        if (_visibleThrough >= position)
        {
            return Task.CompletedTask;
        }

        if (_refreshListeners.Count >= ShardSettings.MaxRefreshListeners)
        {
            Refresh();
            forcedRefresh = true;
            return Task.CompletedTask;
        }

        var listener = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _refreshListeners.Add(listener);
        return listener.Task;
    }
}
