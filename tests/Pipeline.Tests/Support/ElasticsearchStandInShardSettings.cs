using System.Globalization;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// The shard-level index settings the Elasticsearch stand-in acts on (how many shards and copies,
/// refresh, search-idle, refresh listeners, result window), read from the <c>settings</c> of a
/// create-index request or of the matching index template, in any of Elasticsearch's spellings
/// (<c>"index.refresh_interval"</c>, <c>{"index": {"refresh_interval"}}</c>, or
/// <c>"refresh_interval"</c>, which Elasticsearch prefixes with <c>index.</c>). Other settings
/// are accepted and ignored.
/// </summary>
public sealed record ElasticsearchStandInShardSettings
{
    /// <summary>Elasticsearch's defaults: one shard with one replica (never assigned on a one-node cluster).</summary>
    public static readonly ElasticsearchStandInShardSettings Default = new();

    /// <summary><c>index.number_of_shards</c>: only the counts in <c>_shards</c> answers follow it; documents are not spread.</summary>
    public int NumberOfShards { get; init; } = 1;

    /// <summary><c>index.number_of_replicas</c>: replicas are counted in a write's or refresh's <c>_shards.total</c> but never succeed (one node).</summary>
    public int NumberOfReplicas { get; init; } = 1;

    /// <summary>
    /// <c>index.refresh_interval</c> when the index sets it (then search-idle does not skip
    /// refreshes, as in Elasticsearch); null to follow the stand-in's
    /// <see cref="ElasticsearchStandIn.RefreshInterval"/>. <see cref="Timeout.InfiniteTimeSpan"/>
    /// (<c>-1</c>) disables periodic refresh.
    /// </summary>
    public TimeSpan? RefreshInterval { get; init; }

    /// <summary><c>index.search.idle.after</c>, or null for the stand-in's <see cref="ElasticsearchStandIn.SearchIdleAfter"/>.</summary>
    public TimeSpan? SearchIdleAfter { get; init; }

    /// <summary><c>index.max_refresh_listeners</c>: <c>refresh=wait_for</c> requests waiting on the index before the next one forces a refresh.</summary>
    public int MaxRefreshListeners { get; init; } = 1000;

    /// <summary><c>index.max_result_window</c>: the largest <c>from + size</c> a search may ask for.</summary>
    public int MaxResultWindow { get; init; } = 10_000;

    /// <summary>
    /// Reads <paramref name="settings"/> over <paramref name="fallback"/> (a template's settings,
    /// which a create-index request's own settings override); returns Elasticsearch's error
    /// reason for a value it would refuse.
    /// </summary>
    public static ElasticsearchStandInShardSettings From(JsonElement? settings, ElasticsearchStandInShardSettings? fallback, out string? error)
    {
        error = null;
        var result = fallback ?? Default;
        if (settings is not { ValueKind: JsonValueKind.Object } element)
        {
            return result;
        }

        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(element, "", flat);
        foreach (var (rawKey, value) in flat)
        {
            var key = rawKey.StartsWith("index.", StringComparison.Ordinal) ? rawKey : "index." + rawKey;
            switch (key)
            {
                case "index.number_of_shards" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var shards) && shards >= 1:
                    result = result with { NumberOfShards = shards };
                    break;
                case "index.number_of_replicas" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas):
                    result = result with { NumberOfReplicas = replicas };
                    break;
                case "index.max_refresh_listeners" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var listeners):
                    result = result with { MaxRefreshListeners = listeners };
                    break;
                case "index.max_result_window" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var window) && window >= 1:
                    result = result with { MaxResultWindow = window };
                    break;
                case "index.refresh_interval" or "index.search.idle.after":
                    if (!TryParseTimeValue(value, out var interval))
                    {
                        error = $"failed to parse setting [{key}] with value [{value}] as a time value: unit is missing or unrecognized";
                        return result;
                    }

                    result = key == "index.refresh_interval" ? result with { RefreshInterval = interval } : result with { SearchIdleAfter = interval };
                    break;
                case "index.number_of_shards" or "index.number_of_replicas" or "index.max_refresh_listeners" or "index.max_result_window":
                    error = $"Failed to parse value [{value}] for setting [{key}]";
                    return result;
            }
        }

        return result;
    }

    /// <summary>
    /// Elasticsearch's time values: <c>-1</c> (disabled, as <see cref="Timeout.InfiniteTimeSpan"/>),
    /// <c>0</c>, or a number with a unit of <c>nanos</c>, <c>micros</c>, <c>ms</c>, <c>s</c>,
    /// <c>m</c>, <c>h</c> or <c>d</c>.
    /// </summary>
    public static bool TryParseTimeValue(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text == "-1")
        {
            value = Timeout.InfiniteTimeSpan;
            return true;
        }

        if (text == "0")
        {
            value = TimeSpan.Zero;
            return true;
        }

        (string Unit, double Ticks)[] units =
        [
            ("nanos", TimeSpan.TicksPerMicrosecond / 1000.0), ("micros", TimeSpan.TicksPerMicrosecond), ("ms", TimeSpan.TicksPerMillisecond),
            ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour), ("d", TimeSpan.TicksPerDay),
        ];
        foreach (var (unit, ticks) in units)
        {
            if (text.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                value = TimeSpan.FromTicks((long)(amount * ticks));
                return true;
            }
        }

        return false;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        foreach (var member in element.EnumerateObject())
        {
            var key = prefix.Length == 0 ? member.Name : $"{prefix}.{member.Name}";
            switch (member.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(member.Value, key, into);
                    break;
                case JsonValueKind.String:
                    into[key] = member.Value.GetString()!;
                    break;
                case JsonValueKind.Null or JsonValueKind.Array:
                    break;
                default:
                    into[key] = member.Value.GetRawText();
                    break;
            }
        }
    }
}
