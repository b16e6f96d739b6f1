using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Support;

/// <summary>
/// Refresh, as Elasticsearch does it: writes become visible to <c>_search</c> and <c>_count</c>
/// only when their index is refreshed, by its periodic refresh (<c>index.refresh_interval</c>,
/// skipped while the index is search-idle unless the interval is set explicitly), by
/// <c>POST /_refresh</c> / <c>/{index}/_refresh</c>, or by a write's <c>refresh=true</c>;
/// <c>refresh=wait_for</c> answers once a refresh has made the write visible.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    /// <summary>Elasticsearch's default <c>index.refresh_interval</c>.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>Elasticsearch's default <c>index.search.idle.after</c>.</summary>
    public static readonly TimeSpan DefaultSearchIdleAfter = TimeSpan.FromSeconds(30);

    private TimeSpan _refreshInterval = DefaultRefreshInterval;
    private TimeSpan _searchIdleAfter = DefaultSearchIdleAfter;
    private bool _disposed;

    /// <summary>
    /// The periodic refresh of indices whose settings do not set <c>index.refresh_interval</c>
    /// (Elasticsearch's default, 1 s, unless changed): a real timer, as in Elasticsearch.
    /// <see cref="Timeout.InfiniteTimeSpan"/> (Elasticsearch's <c>-1</c>) turns it off, so that
    /// only <c>_refresh</c> and <c>refresh=true|wait_for</c> make writes visible: a test that must
    /// not depend on timing sets this. As with Elasticsearch's default, search-idle indices skip it.
    /// </summary>
    public TimeSpan RefreshInterval
    {
        get
        {
            lock (_gate)
            {
                return _refreshInterval;
            }
        }

        set
        {
            lock (_gate)
            {
                _refreshInterval = value;
                foreach (var index in _indices.Values.Where(i => i.ShardSettings.RefreshInterval is null))
                {
                    ScheduleRefresh(index);
                }
            }
        }
    }

    /// <summary>
    /// <c>index.search.idle.after</c> for indices whose settings do not set it: an index no search
    /// has reached for this long skips its scheduled refreshes (when its interval is not explicit)
    /// until a search comes, which then refreshes before reading.
    /// </summary>
    public TimeSpan SearchIdleAfter
    {
        get
        {
            lock (_gate)
            {
                return _searchIdleAfter;
            }
        }

        set
        {
            lock (_gate)
            {
                _searchIdleAfter = value;
            }
        }
    }

    /// <summary>
    /// Refreshes every index, or one, as <c>POST /_refresh</c> would; for tests of the stand-in
    /// itself. Tests of the product wait as a client of Elasticsearch must: <c>_refresh</c> over
    /// HTTP, <c>refresh=wait_for</c>, or polling until the answer arrives.
    /// </summary>
    public void Refresh(string? index = null)
    {
        lock (_gate)
        {
            foreach (var target in _indices.Values.Where(i => index is null || i.Name == index))
            {
                target.Refresh();
            }
        }
    }

    /// <summary>How many refreshes an index has had, whatever started them.</summary>
    public long RefreshCount(string index)
    {
        lock (_gate)
        {
            return _indices[index].Refreshes;
        }
    }

    /// <summary><c>POST|GET /_refresh</c>, <c>/{index}/_refresh</c>: refreshes the indices and answers the shard copies it reached.</summary>
    private void RefreshIndices(string target, IQueryCollection query, Answer answer)
    {
        var ignoreUnavailable = query["ignore_unavailable"].ToString() == "true";
        var allowNoIndices = query["allow_no_indices"].ToString() != "false";
        int total = 0, successful = 0;
        lock (_gate)
        {
            var indices = ElasticsearchStandInIndexExpression.Resolve(target, _indices, ignoreUnavailable, allowNoIndices, out var missing);
            if (indices is null)
            {
                answer.IndexNotFound(missing!);
                return;
            }

            foreach (var index in indices)
            {
                index.Refresh();

                // A broadcast to every copy: replicas count in the total but are never assigned on one node.
                total += index.ShardSettings.NumberOfShards * (1 + index.ShardSettings.NumberOfReplicas);
                successful += index.ShardSettings.NumberOfShards;
            }
        }

        answer.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("_shards");
            w.WriteNumber("total", total);
            w.WriteNumber("successful", successful);
            w.WriteNumber("failed", 0);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads <c>?refresh=</c> as <c>WriteRequest.RefreshPolicy.parse</c> does; answers 400 for any other value.</summary>
    private static bool TryParseRefreshPolicy(IQueryCollection query, Answer answer, out ElasticsearchStandInRefreshPolicy policy)
    {
        policy = ElasticsearchStandInRefreshPolicy.None;
        if (!query.TryGetValue("refresh", out var values))
        {
            return true;
        }

        switch (values.ToString())
        {
            case "" or "true":
                policy = ElasticsearchStandInRefreshPolicy.Immediate;
                return true;
            case "false":
                return true;
            case "wait_for":
                policy = ElasticsearchStandInRefreshPolicy.WaitFor;
                return true;
            default:
                answer.Error(400, "illegal_argument_exception", $"Unknown value for refresh: [{values}].");
                return false;
        }
    }

    /// <summary>
    /// After the writes: <c>true</c> refreshes each index written and marks its items
    /// <c>forced_refresh</c>; <c>wait_for</c> returns what to wait for before answering (an index
    /// out of listener slots is refreshed at once instead, its items marked <c>forced_refresh</c>).
    /// </summary>
    private Task? ApplyRefreshPolicy(ElasticsearchStandInRefreshPolicy policy, IReadOnlyList<ElasticsearchStandInWrite> writes)
    {
        if (policy == ElasticsearchStandInRefreshPolicy.None)
        {
            return null;
        }

        var waits = new List<Task>();
        lock (_gate)
        {
            foreach (var written in writes.Where(w => w.Error is null && w.Target is not null).GroupBy(w => w.Target!))
            {
                var forced = true;
                if (policy == ElasticsearchStandInRefreshPolicy.Immediate)
                {
                    written.Key.Refresh();
                }
                else
                {
                    waits.Add(written.Key.AddRefreshListener(written.Max(w => w.Position), out forced));
                }

                foreach (var write in written)
                {
                    write.ForcedRefresh = forced;
                }
            }
        }

        return waits.All(w => w.IsCompleted) ? null : Task.WhenAll(waits);
    }

    /// <summary>(Re)starts an index's periodic refresh at its interval; none when the interval is -1 or 0, as in Elasticsearch.</summary>
    private void ScheduleRefresh(ElasticsearchStandInIndex index)
    {
        var interval = index.ShardSettings.RefreshInterval ?? _refreshInterval;
        if (interval <= TimeSpan.Zero || _disposed)
        {
            index.RefreshTimer?.Dispose();
            index.RefreshTimer = null;
        }
        else if (index.RefreshTimer is { } timer)
        {
            timer.Change(interval, interval);
        }
        else
        {
            index.RefreshTimer = _time.CreateTimer(ScheduledRefresh, index, interval, interval);
        }
    }

    private void ScheduledRefresh(object? state)
    {
        var index = (ElasticsearchStandInIndex)state!;
        lock (_gate)
        {
            if (!_disposed)
            {
                index.ScheduledRefresh(_time.GetTimestamp(), _time, index.ShardSettings.SearchIdleAfter ?? _searchIdleAfter);
            }
        }
    }

    /// <summary>Stops every periodic refresh; waiting <c>wait_for</c> requests end with the server.</summary>
    private void StopRefreshing()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var index in _indices.Values)
            {
                index.RefreshTimer?.Dispose();
                index.RefreshTimer = null;
            }
        }
    }

    /// <summary>Marks the indices a search reaches as searched, refreshing those that skipped a refresh while search-idle.</summary>
    private void EnsureSearchActive(IEnumerable<ElasticsearchStandInIndex> indices)
    {
        var now = _time.GetTimestamp();
        foreach (var index in indices)
        {
            index.EnsureSearchActive(now);
        }
    }
}
