using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Matches regular expressions against a record's fields for one filter instance. The message is
/// matched on a reused character buffer decoded from the batch's bytes, so records that only pass
/// a grep never get a <c>log</c> string. A missing field, an object, an array or null never
/// matches; numbers and booleans match on their JSON text. A match that times out counts as no
/// match and as a filter problem (<c>regex_timeout</c>).
/// </summary>
internal sealed class FieldMatcher
{
    private readonly string _filterType;
    private readonly PipelineMetrics? _metrics;
    private char[] _buffer = [];

    public FieldMatcher(string filterType, PipelineMetrics? metrics)
    {
        _filterType = filterType;
        _metrics = metrics;
    }

    public bool IsMatch(LogEvent record, FieldPath path, Regex regex)
    {
        try
        {
            if (RecordMembers.IsLog(path) && record.TryGetOriginalLogUtf8(out var utf8))
            {
                return regex.IsMatch(Decode(utf8));
            }

            var text = path.Segments.Count == 1 || (path.Segments.Count == 2 && path.Segments[0] == LogEventFields.KubernetesMember)
                ? TextOf(record, path)
                : RecordMembers.MatchText(RecordMembers.Peek(record, path));
            return text is not null && regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            _metrics?.FilterProblems.Add(1, new("filter", _filterType), new("reason", "regex_timeout"));
            return false;
        }
    }

    // Top-level members and kubernetes.* properties: properties read as text, fields as MatchText.
    private static string? TextOf(LogEvent record, FieldPath path)
    {
        var segments = path.Segments;
        var isProperty = segments.Count == 1
            ? segments[0] is LogEventFields.LogMember or LogEventFields.StreamMember or LogEventFields.TimestampMember
            : LogEvent.IsKubernetesProperty(segments[1]);
        return isProperty ? record.GetString(path) : RecordMembers.MatchText(RecordMembers.Peek(record, path));
    }

    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        if (_buffer.Length < utf8.Length)
        {
            // UTF-8 never yields more UTF-16 code units than bytes.
            _buffer = new char[Math.Max(utf8.Length, 256)];
        }

        var count = Encoding.UTF8.GetChars(utf8, _buffer);
        return _buffer.AsSpan(0, count);
    }
}
