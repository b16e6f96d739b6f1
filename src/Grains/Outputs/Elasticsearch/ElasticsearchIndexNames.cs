using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Grains.Outputs.Elasticsearch;

/// <summary>
/// Daily index names as fluent-bit's <c>Logstash_Format</c> makes them:
/// <c>&lt;prefix&gt;-YYYY.MM.DD</c> from the UTC day of the record's time. Names are made once per
/// prefix and day and kept JSON-encoded, ready for the bulk action line.
/// </summary>
internal sealed class ElasticsearchIndexNames
{
    private const long NanosPerDay = 86_400L * 1_000_000_000;

    private readonly ConcurrentDictionary<(string Prefix, long Day), JsonEncodedText> _names = new();

    public JsonEncodedText For(string prefix, long unixNanos) =>
        _names.GetOrAdd((prefix, Day(unixNanos)), static key => JsonEncodedText.Encode(FormatDay(key.Prefix, key.Day)));

    /// <summary>The index of a record of this prefix and time, e.g. <c>kubernetes_cluster-2026.11.25</c>.</summary>
    public static string NameFor(string prefix, long unixNanos) => FormatDay(prefix, Day(unixNanos));

    private static long Day(long unixNanos)
    {
        var day = Math.DivRem(unixNanos, NanosPerDay, out var rest);
        return rest < 0 ? day - 1 : day;
    }

    private static string FormatDay(string prefix, long day) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{DateTime.UnixEpoch.AddDays(day):yyyy.MM.dd}");
}
