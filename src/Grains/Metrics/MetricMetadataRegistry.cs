using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Grains.Metrics;

/// <summary>
/// The metadata (type, help, unit) of the metric families this silo's producers saw, for
/// <c>/api/v1/metadata</c>: a family may be described differently by different targets, and every
/// distinct description is kept, as Prometheus's answer lists them. Producers report a family when
/// they first see one of its series (the cold path), never per sample. Bounded: past
/// <see cref="MaxFamilies"/> families new ones are not recorded (counted in <see cref="Unrecorded"/>).
/// </summary>
public sealed class MetricMetadataRegistry
{
    /// <summary>Families kept at most; an exporter with more distinct families than this is broken.</summary>
    public const int MaxFamilies = 100_000;

    /// <summary>Distinct descriptions kept per family.</summary>
    public const int MaxPerFamily = 10;

    private readonly Dictionary<string, List<MetricMetadata>> _families = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _unrecorded;

    /// <summary>Families seen after the registry was full.</summary>
    public long Unrecorded => Interlocked.Read(ref _unrecorded);

    public void Report(string family, MetricType type, string? help, string? unit)
    {
        var entry = new MetricMetadata(TypeName(type), help ?? string.Empty, unit ?? string.Empty);
        lock (_gate)
        {
            if (!_families.TryGetValue(family, out var entries))
            {
                if (_families.Count >= MaxFamilies)
                {
                    _unrecorded++;
                    return;
                }

                _families[family] = entries = [];
            }

            if (entries.Count < MaxPerFamily && !entries.Contains(entry))
            {
                entries.Add(entry);
            }
        }
    }

    /// <summary>Every family (or the one named <paramref name="metric"/>) with its descriptions, families sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, MetricMetadata[]>> Snapshot(string? metric = null)
    {
        lock (_gate)
        {
            return [.. _families
                .Where(f => metric is null || f.Key == metric)
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new KeyValuePair<string, MetricMetadata[]>(f.Key, [.. f.Value]))];
        }
    }

    /// <summary>The type as Prometheus's API names it.</summary>
    public static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        MetricType.Summary => "summary",
        MetricType.GaugeHistogram => "gaugehistogram",
        MetricType.StateSet => "stateset",
        MetricType.Info => "info",
        _ => "unknown",
    };
}

/// <summary>One description of a metric family, as <c>/api/v1/metadata</c> lists it.</summary>
public sealed record MetricMetadata(string Type, string Help, string Unit);
