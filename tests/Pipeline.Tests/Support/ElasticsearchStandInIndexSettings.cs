using System.Globalization;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// An index's settings, flattened as Elasticsearch keeps them (<c>{"index":{"mapping":{…}}}</c> and
/// <c>"mapping.ignore_malformed"</c> both become <c>index.mapping.ignore_malformed</c>), with the
/// knobs the stand-in honours: <c>index.mapping.total_fields.limit</c> (1000) and
/// <c>…ignore_dynamic_beyond_limit</c> (false), <c>index.mapping.ignore_malformed</c> (false),
/// <c>index.mapping.ignore_above</c> (8191 in <c>logsdb</c> mode, else none), <c>index.mode</c>
/// and <c>index.analysis.*</c>. <see cref="ValidationErrors"/> says what Elasticsearch's index-scoped
/// settings registry would refuse: unknown keys, private keys and values that do not parse.
/// </summary>
public sealed class ElasticsearchStandInIndexSettings
{
    private const string UnknownAdvice = " please check that any required plugins are installed, or check the breaking changes documentation for removed settings";

    // Settings Elasticsearch registers with index scope (the ones a template for logs plausibly sets).
    private static readonly string[] Known =
    [
        "index.number_of_shards", "index.number_of_replicas", "index.auto_expand_replicas", "index.refresh_interval", "index.codec",
        "index.hidden", "index.mode", "index.max_result_window", "index.max_inner_result_window", "index.max_rescore_window",
        "index.max_docvalue_fields_search", "index.max_script_fields", "index.max_ngram_diff", "index.max_shingle_diff",
        "index.max_refresh_listeners", "index.max_terms_count", "index.max_regex_length", "index.default_pipeline", "index.final_pipeline",
        "index.priority", "index.number_of_routing_shards", "index.routing_partition_size", "index.routing_path",
        "index.load_fixed_bitset_filters_eagerly", "index.shard.check_on_startup", "index.gc_deletes", "index.query.default_field",
        "index.query_string.lenient", "index.search.idle.after", "index.lifecycle.name", "index.lifecycle.rollover_alias",
        "index.lifecycle.parse_origination_date", "index.lifecycle.origination_date", "index.lifecycle.indexing_complete",
        "index.lifecycle.skip", "index.look_ahead_time", "index.look_back_time", "index.time_series.start_time", "index.time_series.end_time",
        "index.mapping.total_fields.limit", "index.mapping.total_fields.ignore_dynamic_beyond_limit", "index.mapping.depth.limit",
        "index.mapping.nested_fields.limit", "index.mapping.nested_objects.limit", "index.mapping.field_name_length.limit",
        "index.mapping.dimension_fields.limit", "index.mapping.ignore_malformed", "index.mapping.coerce", "index.mapping.ignore_above",
        "index.mapping.source.mode", "index.mapping.synthetic_source_keep", "index.soft_deletes.enabled",
        "index.soft_deletes.retention_lease.period", "index.translog.durability", "index.translog.sync_interval",
        "index.translog.flush_threshold_size", "index.unassigned.node_left.delayed_timeout", "index.write.wait_for_active_shards",
        "index.blocks.read_only", "index.blocks.read_only_allow_delete", "index.blocks.read", "index.blocks.write", "index.blocks.metadata",
        "index.highlight.max_analyzed_offset", "index.merge.scheduler.max_thread_count", "index.store.type", "index.store.preload",
        "index.sort.field", "index.sort.order", "index.sort.mode", "index.sort.missing", "index.routing.rebalance.enable",
    ];

    private static readonly string[] KnownPrefixes =
    [
        "index.analysis.", "index.similarity.", "index.routing.allocation.", "index.search.slowlog.", "index.indexing.slowlog.", "index.merge.policy.",
    ];

    private static readonly string[] Private = ["index.uuid", "index.creation_date", "index.provided_name", "index.version.created", "index.version.compatibility"];

    private static readonly Dictionary<string, int> IntegerMinimum = new(StringComparer.Ordinal)
    {
        ["index.number_of_shards"] = 1, ["index.number_of_replicas"] = 0, ["index.max_result_window"] = 1,
        ["index.mapping.total_fields.limit"] = 0, ["index.mapping.depth.limit"] = 1, ["index.mapping.nested_fields.limit"] = 0,
        ["index.mapping.nested_objects.limit"] = 0, ["index.mapping.field_name_length.limit"] = 1, ["index.mapping.ignore_above"] = 0,
        ["index.priority"] = 0,
    };

    private static readonly string[] Booleans =
    [
        "index.hidden", "index.mapping.total_fields.ignore_dynamic_beyond_limit", "index.mapping.ignore_malformed", "index.mapping.coerce",
        "index.soft_deletes.enabled", "index.blocks.read_only", "index.blocks.read_only_allow_delete", "index.blocks.read",
        "index.blocks.write", "index.blocks.metadata", "index.lifecycle.indexing_complete", "index.lifecycle.skip",
    ];

    private readonly Dictionary<string, JsonElement> _values;

    private ElasticsearchStandInIndexSettings(Dictionary<string, JsonElement> values)
    {
        _values = values;
    }

    public static ElasticsearchStandInIndexSettings Empty { get; } = new(new Dictionary<string, JsonElement>(StringComparer.Ordinal));

    /// <summary>Every setting by its flat key, e.g. <c>index.mapping.total_fields.limit</c>; arrays stay arrays.</summary>
    public IReadOnlyDictionary<string, JsonElement> Values => _values;

    public long TotalFieldsLimit => Long("index.mapping.total_fields.limit") ?? 1000;

    public bool IgnoreDynamicBeyondLimit => Bool("index.mapping.total_fields.ignore_dynamic_beyond_limit") ?? false;

    public bool IgnoreMalformed => Bool("index.mapping.ignore_malformed") ?? false;

    public string Mode => String("index.mode") ?? "standard";

    /// <summary>The <c>ignore_above</c> of keyword and flattened fields that set none: 8191 in logsdb indices, otherwise none.</summary>
    public int? DefaultIgnoreAbove => (int?)Long("index.mapping.ignore_above") ?? (Mode == "logsdb" ? 8191 : null);

    /// <summary>Flattens a <c>settings</c> object; keys get the <c>index.</c> prefix Elasticsearch adds when they lack it.</summary>
    public static ElasticsearchStandInIndexSettings From(JsonElement? settings)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (settings is { ValueKind: JsonValueKind.Object } body)
        {
            Flatten(body, "", values);
        }

        return new ElasticsearchStandInIndexSettings(values);
    }

    /// <summary>These settings with <paramref name="over"/>'s on top (a request's settings over its template's).</summary>
    public ElasticsearchStandInIndexSettings With(ElasticsearchStandInIndexSettings over)
    {
        var merged = new Dictionary<string, JsonElement>(_values, StringComparer.Ordinal);
        foreach (var (key, value) in over._values)
        {
            merged[key] = value;
        }

        return new ElasticsearchStandInIndexSettings(merged);
    }

    /// <summary>
    /// What Elasticsearch's settings validation says about these settings, in its words: unknown
    /// keys (with a "did you mean" when a known key is close), private keys, values that do not parse.
    /// </summary>
    public List<string> ValidationErrors()
    {
        var errors = new List<string>();
        foreach (var (key, value) in _values)
        {
            if (Private.Contains(key, StringComparer.Ordinal))
            {
                errors.Add($"private index setting [{key}] can not be set explicitly");
                continue;
            }

            if (!Known.Contains(key, StringComparer.Ordinal) && !KnownPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                errors.Add(Unknown(key));
                continue;
            }

            var text = Text(value);
            if (Booleans.Contains(key, StringComparer.Ordinal) && text is not ("true" or "false"))
            {
                errors.Add($"Failed to parse value [{text}] as only [true] or [false] are allowed.");
            }
            else if (IntegerMinimum.TryGetValue(key, out var minimum))
            {
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    errors.Add($"Failed to parse value [{text}] for setting [{key}]");
                }
                else if (number < minimum)
                {
                    errors.Add($"Failed to parse value [{text}] for setting [{key}] must be >= {minimum}");
                }
            }
        }

        return errors;
    }

    /// <summary>A setting's value as text (Elasticsearch keeps every setting as a string).</summary>
    public string? String(string key) => _values.TryGetValue(key, out var value) ? Text(value) : null;

    /// <summary>A list setting (<c>"filter": ["lowercase"]</c>; a single string is a list of one).</summary>
    public List<string> List(string key) =>
        !_values.TryGetValue(key, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(Text)]
        : [.. Text(value).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The names under a group key: <c>Names("index.analysis.analyzer")</c> gives the analyzers defined.</summary>
    public IEnumerable<string> Names(string group) =>
        _values.Keys.Where(k => k.StartsWith(group + ".", StringComparison.Ordinal))
            .Select(k => k[(group.Length + 1)..].Split('.')[0]).Distinct(StringComparer.Ordinal);

    private long? Long(string key) =>
        String(key) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    private bool? Bool(string key) => String(key) switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };

    private static void Flatten(JsonElement node, string prefix, Dictionary<string, JsonElement> into)
    {
        foreach (var member in node.EnumerateObject())
        {
            var key = prefix + member.Name;
            if (member.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(member.Value, key + ".", into);
            }
            else
            {
                into[key.StartsWith("index.", StringComparison.Ordinal) ? key : "index." + key] = member.Value.Clone();
            }
        }
    }

    // Elasticsearch suggests registered keys within a Levenshtein similarity above 0.7.
    private static string Unknown(string key)
    {
        var close = Known.Select(k => (Key: k, Score: Similarity(key, k))).Where(s => s.Score > 0.7f)
            .OrderByDescending(s => s.Score).Select(s => s.Key).ToList();
        return $"unknown setting [{key}]" + (close.Count switch
        {
            0 => UnknownAdvice,
            1 => $" did you mean [{close[0]}]?",
            _ => $" did you mean any of [{string.Join(", ", close)}]?",
        });
    }

    private static float Similarity(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return 1f - ((float)previous[b.Length] / Math.Max(a.Length, b.Length));
    }
}
