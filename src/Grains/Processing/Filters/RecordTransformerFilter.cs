using System.Text.Json.Nodes;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>Adds computed members and removes others (see <see cref="RecordTransformerFilterOptions"/>); never drops a record.</summary>
public sealed class RecordTransformerFilter : ILogFilter
{
    private readonly RecordTransformerFilterOptions _options;
    private readonly JsonNode?[] _values;
    private readonly JsonNode?[] _kept;

    public RecordTransformerFilter(RecordTransformerFilterOptions options)
    {
        _options = options;
        Selector = options.Selector;
        _values = new JsonNode?[options.Record.Count];
        _kept = new JsonNode?[options.KeepKeys.Count];
    }

    public string Type => RecordTransformerFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    public FilterVerdict Apply(LogEvent record)
    {
        var entries = _options.Record;
        for (var i = 0; i < entries.Count; i++)
        {
            _values[i] = entries[i].Value.Render(record);
        }

        if (_options.RenewRecord)
        {
            var keep = _options.KeepKeys;
            for (var i = 0; i < keep.Count; i++)
            {
                _kept[i] = RecordMembers.Take(record, keep[i]);
            }

            RecordMembers.ClearApplicationMembers(record);
            for (var i = 0; i < keep.Count; i++)
            {
                if (_kept[i] is { } node)
                {
                    record.Set(keep[i], node);
                    _kept[i] = null;
                }
            }
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (_values[i] is { } value)
            {
                record.Set(entries[i].Key, value);
                _values[i] = null;
            }
        }

        foreach (var key in _options.RemoveKeys)
        {
            record.Remove(key);
        }

        return FilterVerdict.Keep;
    }
}
