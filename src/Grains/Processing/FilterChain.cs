using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing;

/// <summary>
/// Runs the configured filters over a batch's records in order. A dropped record leaves the
/// batch at once (later filters never see it) and is counted in
/// <c>pipeline_filter_dropped_records</c> by filter type and tenant: nothing is dropped silently.
/// </summary>
public sealed class FilterChain
{
    private readonly IReadOnlyList<ILogFilter> _filters;
    private readonly PipelineMetrics? _metrics;

    public FilterChain(IReadOnlyList<ILogFilter> filters, PipelineMetrics? metrics)
    {
        _filters = filters;
        _metrics = metrics;
    }

    public static readonly FilterChain Empty = new([], null);

    public int Count => _filters.Count;

    /// <summary>Applies every filter; removes dropped records from <paramref name="records"/> and returns how many went, per filter type.</summary>
    public Dictionary<string, int> Apply(List<LogEvent> records)
    {
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_filters.Count == 0 || records.Count == 0)
        {
            return dropped;
        }

        var kept = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            string? droppedBy = null;
            foreach (var filter in _filters)
            {
                if (filter.Selector.Matches(record) && filter.Apply(record) == FilterVerdict.Drop)
                {
                    droppedBy = filter.Type;
                    break;
                }
            }

            if (droppedBy is null)
            {
                records[kept++] = record;
                continue;
            }

            dropped[droppedBy] = dropped.GetValueOrDefault(droppedBy) + 1;
            _metrics?.FilterDropped.Add(1, new("filter", droppedBy), new("tenant", record.Tenant));
        }

        records.RemoveRange(kept, records.Count - kept);
        return dropped;
    }
}
