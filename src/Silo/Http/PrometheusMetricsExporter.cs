using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Pipeline.Silo.Http;

/// <summary>
/// Listens to the meters named in the constructor and renders their current values in the
/// Prometheus text format 0.0.4. Counters become <c>_total</c> series, gauges plain series,
/// histograms <c>_bucket</c>/<c>_sum</c>/<c>_count</c>.
/// </summary>
public sealed class PrometheusMetricsExporter : IDisposable
{
    private static readonly double[] Bounds = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<Instrument, ConcurrentDictionary<string, Series>> _values = new();

    public PrometheusMetricsExporter(params string[] meters)
    {
        _meters = new HashSet<string>(meters, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                _values.TryAdd(instrument, new ConcurrentDictionary<string, Series>());
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public string Render()
    {
        // Observable instruments report only when asked; gauges replace their series each time.
        foreach (var (instrument, series) in _values)
        {
            if (instrument is ObservableGauge<long> or ObservableGauge<double> or ObservableGauge<int>)
            {
                series.Clear();
            }
        }

        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var (instrument, series) in _values.OrderBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            var kind = Kind(instrument);
            var name = instrument.Name + (kind == "counter" ? "_total" : "");
            if (!string.IsNullOrEmpty(instrument.Description))
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            foreach (var (labels, value) in series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (value)
                {
                    if (kind == "histogram")
                    {
                        long cumulative = 0;
                        for (var b = 0; b < value.Bounds.Count; b++)
                        {
                            cumulative += value.Buckets![b];
                            Sample(text, instrument.Name + "_bucket", Join(labels, $"le=\"{value.Bounds[b].ToString(CultureInfo.InvariantCulture)}\""), cumulative);
                        }

                        Sample(text, instrument.Name + "_bucket", Join(labels, "le=\"+Inf\""), value.Count);
                        Sample(text, instrument.Name + "_sum", labels, value.Sum);
                        Sample(text, instrument.Name + "_count", labels, value.Count);
                    }
                    else
                    {
                        Sample(text, name, labels, value.Sum);
                    }
                }
            }
        }

        AppendProcessMetrics(text);
        return text.ToString();
    }

    private static void AppendProcessMetrics(StringBuilder text)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        text.Append("# TYPE process_cpu_seconds_total counter\n");
        Sample(text, "process_cpu_seconds_total", "", process.TotalProcessorTime.TotalSeconds);
        text.Append("# TYPE process_resident_memory_bytes gauge\n");
        Sample(text, "process_resident_memory_bytes", "", process.WorkingSet64);
        text.Append("# TYPE dotnet_gc_heap_bytes gauge\n");
        Sample(text, "dotnet_gc_heap_bytes", "", GC.GetTotalMemory(false));
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_values.TryGetValue(instrument, out var series))
        {
            return;
        }

        var labels = Labels(tags);
        var histogram = instrument is Histogram<double> or Histogram<long> or Histogram<int>;
        var entry = series.GetOrAdd(labels, _ => histogram ? new Series(BucketBounds(instrument)) : new Series(null));
        lock (entry)
        {
            if (histogram)
            {
                entry.Count++;
                entry.Sum += value;
                var b = FindBucket(entry.Bounds, value);
                if (b >= 0)
                {
                    entry.Buckets![b]++;
                }
            }
            else if (instrument.IsObservable)
            {
                // Observable instruments report their current value (or running total), not an increment.
                entry.Sum = value;
            }
            else
            {
                entry.Sum += value;
            }
        }
    }

    private static string Kind(Instrument instrument) => instrument switch
    {
        Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> => "counter",
        Histogram<double> or Histogram<long> or Histogram<int> => "histogram",
        _ => "gauge",
    };

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{key}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    // A histogram created with bucket advice (log_to_metrics' bucket option) keeps its own bounds.
    private static IReadOnlyList<double> BucketBounds(Instrument instrument) =>
        (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries ?? Bounds;

    private static int FindBucket(IReadOnlyList<double> bounds, double value)
    {
        for (var b = 0; b < bounds.Count; b++)
        {
            if (value <= bounds[b])
            {
                return b;
            }
        }

        return -1;
    }

    private sealed class Series(IReadOnlyList<double>? bounds)
    {
        public IReadOnlyList<double> Bounds { get; } = bounds ?? [];
        public long[]? Buckets { get; } = bounds is null ? null : new long[bounds.Count];
        public long Count { get; set; }
        public double Sum { get; set; }
    }
}
