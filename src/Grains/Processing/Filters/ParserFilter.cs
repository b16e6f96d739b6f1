using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Grains.Collection.Decoding;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Parses one member of each record (see <see cref="ParserFilterOptions"/>). Problems are counted
/// in <c>pipeline_filter_problems</c> with <c>filter=parser</c> and a reason: <c>missing_key</c>,
/// <c>not_text</c>, <c>not_an_object</c>, <c>invalid_json</c>, <c>no_match</c>, <c>bare_key</c>,
/// <c>regex_timeout</c> (the record is unchanged), or <c>bad_time</c> (the record is parsed but keeps
/// its time, and the time member stays).
/// </summary>
public sealed class ParserFilter : ILogFilter
{
    private readonly ParserFilterOptions _options;
    private readonly LogParser[] _parsers;
    private readonly PipelineMetrics? _metrics;
    private readonly List<KeyValuePair<string, JsonNode?>> _members = [];

    public ParserFilter(ParserFilterOptions options, PipelineMetrics? metrics)
    {
        _options = options;
        _metrics = metrics;
        Selector = options.Selector;
        _parsers = [.. options.Parsers.Select(LogParser.Create)];
    }

    public string Type => ParserFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    public FilterVerdict Apply(LogEvent record)
    {
        _members.Clear();
        var parser = Parse(record, out var failure);
        if (parser is null)
        {
            Problem(failure ?? "no_match");
            return FilterVerdict.Keep;
        }

        var definition = parser.Definition;
        if (definition.TimeKey is { } timeKey)
        {
            ApplyTime(record, definition, timeKey);
        }

        if (definition.Types.Count > 0)
        {
            ConvertTypes(definition.Types);
        }

        Write(record);
        _members.Clear();
        return FilterVerdict.Keep;
    }

    private LogParser? Parse(LogEvent record, out string? failure)
    {
        failure = null;
        var key = _options.KeyName;
        var original = default(ReadOnlySpan<byte>);
        var hasBytes = RecordMembers.IsLog(key) && record.TryGetOriginalLogUtf8(out original);
        string? text = null;
        if (!hasBytes)
        {
            var node = RecordMembers.Peek(record, key);
            if (node is null)
            {
                failure = "missing_key";
                return null;
            }

            if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                failure = "not_text";
                return null;
            }

            text = value.GetValue<string>();
        }

        foreach (var parser in _parsers)
        {
            failure = hasBytes
                ? parser.ReadsUtf8 ? parser.Parse(original, _members) : parser.Parse(record.Log!, _members)
                : parser.Parse(text!, _members);
            if (failure is null)
            {
                return parser;
            }

            _members.Clear();
        }

        return null;
    }

    private void ApplyTime(LogEvent record, ParserDefinition definition, string timeKey)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            if (_members[i].Key != timeKey)
            {
                continue;
            }

            if (!TryParseTime(_members[i].Value, definition, record.TimeUnixNanos, out var nanos))
            {
                Problem("bad_time");
                return;
            }

            record.TimeUnixNanos = nanos;
            if (!definition.TimeKeep)
            {
                _members.RemoveAt(i);
            }

            return;
        }
    }

    /// <summary>
    /// With a <c>time_format</c>, strptime; without, RFC 3339 text or a Unix time as a number or
    /// numeric text (seconds with a fraction; values too large for seconds are read as
    /// milliseconds, microseconds or nanoseconds).
    /// </summary>
    internal static bool TryParseTime(JsonNode? node, ParserDefinition definition, long referenceUnixNanos, out long unixNanos)
    {
        unixNanos = 0;
        if (node is not JsonValue value)
        {
            return false;
        }

        string text;
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            text = value.ToJsonString();
        }
        else if (value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>().Trim();
        }
        else
        {
            return false;
        }

        if (definition.TimeFormat is { } format)
        {
            return format.TryParse(text, definition.TimeOffset, referenceUnixNanos, out unixNanos);
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch))
        {
            var magnitude = Math.Abs(epoch);
            var nanosPerUnit = magnitude < 1e11m ? 1_000_000_000m : magnitude < 1e14m ? 1_000_000m : magnitude < 1e17m ? 1_000m : 1m;
            var nanos = epoch * nanosPerUnit;
            if (nanos is > long.MaxValue or < long.MinValue)
            {
                return false;
            }

            unixNanos = (long)nanos;
            return true;
        }

        Span<byte> utf8 = stackalloc byte[128];
        return text.Length <= 64 && Encoding.UTF8.TryGetBytes(text, utf8, out var length)
            && Rfc3339.TryParseUnixNanos(utf8[..length], out unixNanos);
    }

    private void ConvertTypes(IReadOnlyDictionary<string, ParserValueType> types)
    {
        for (var i = 0; i < _members.Count; i++)
        {
            var (name, node) = _members[i];
            if (types.TryGetValue(name, out var type) && node is JsonValue value && value.GetValueKind() == JsonValueKind.String
                && Convert(value.GetValue<string>(), type) is { } converted)
            {
                _members[i] = new(name, converted);
            }
        }
    }

    private static JsonNode? Convert(string text, ParserValueType type)
    {
        switch (type)
        {
            case ParserValueType.Integer:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) ? JsonValue.Create(integer) : null;
            case ParserValueType.Float:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? JsonValue.Create(number) : null;
            case ParserValueType.Bool:
                return text.Equals("true", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(true)
                    : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(false) : null;
            case ParserValueType.Hex:
                var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.AsSpan(2) : text.AsSpan();
                return long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? JsonValue.Create(hex) : null;
            default:
                return null;
        }
    }

    private void Write(LogEvent record)
    {
        JsonNode? preserved = null;
        if (_options.PreserveKey)
        {
            if (!_options.ReserveData)
            {
                preserved = RecordMembers.Take(record, _options.KeyName);
            }
        }
        else if (RecordMembers.IsLog(_options.KeyName))
        {
            // LogEventFields.Remove would decode the message only to say it was there.
            record.Log = null;
        }
        else
        {
            record.Remove(_options.KeyName);
        }

        if (!_options.ReserveData)
        {
            RecordMembers.ClearApplicationMembers(record);
            if (preserved is not null)
            {
                record.Set(_options.KeyName, preserved);
            }
        }

        if (_options.MergeLogKey is { } mergeKey)
        {
            record.Set(mergeKey, NewObject());
            return;
        }

        if (record.Fields is not { Count: > 0 } && !AnyTakenName())
        {
            // The common case (nothing else in the record): one object sized once.
            record.Fields = NewObject();
            return;
        }

        foreach (var (name, value) in _members)
        {
            RecordMembers.SetTop(record, name, value);
        }
    }

    private bool AnyTakenName()
    {
        foreach (var (name, _) in _members)
        {
            // log, _id, stream, @timestamp, kubernetes, pipeline_flags: check only names of their lengths.
            if (name.Length is 3 or 6 or 10 or 14 && (name == LogEventFields.LogMember || RecordMembers.IsReserved(name)))
            {
                return true;
            }
        }

        return false;
    }

    private JsonObject NewObject()
    {
        if (_members.Count <= 16 && !HasRepeatedName())
        {
            // Built from the list, the object's dictionary is sized once.
            return new JsonObject(_members);
        }

        // Many members, or a name given twice ({"a":1,"a":2}): the last one wins.
        var result = new JsonObject();
        foreach (var (name, value) in _members)
        {
            result[name] = value;
        }

        return result;
    }

    private bool HasRepeatedName()
    {
        // A 64-bit sketch of length and end characters: only a clash calls for comparing names.
        ulong seen = 0;
        var clash = false;
        foreach (var (name, _) in _members)
        {
            var bit = 1UL << ((name.Length * 7) + (name.Length == 0 ? 0 : name[0] + (name[^1] * 3)) & 63);
            clash |= (seen & bit) != 0;
            seen |= bit;
        }

        if (!clash)
        {
            return false;
        }

        for (var i = 1; i < _members.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(_members[i].Key, _members[j].Key, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void Problem(string reason) =>
        _metrics?.FilterProblems.Add(1, new("filter", ParserFilterOptions.TypeName), new("reason", reason));
}
