using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Tests.Filters;

/// <summary>
/// A test's own meter factory, <see cref="PipelineMetrics"/> and <see cref="LogMetricsRegistry"/>,
/// with a listener that records only this test's measurements (tests run in parallel and every
/// meter is called Pipeline).
/// </summary>
internal sealed class FilterMetrics : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public FilterMetrics()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new PipelineMetrics(MeterFactory);
        Registry = new LogMetricsRegistry(MeterFactory);
        var meter = Metrics.FilterProblems.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IMeterFactory MeterFactory { get; }

    public PipelineMetrics Metrics { get; }

    public LogMetricsRegistry Registry { get; }

    /// <summary>The sum of an instrument's measurements carrying all the given tags.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Name == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    /// <summary>Filter problems counted with this filter type and reason.</summary>
    public double Problems(string filter, string reason) => Sum("pipeline_filter_problems", ("filter", filter), ("reason", reason));

    /// <summary>Every filter problem counted.</summary>
    public double AllProblems => Sum("pipeline_filter_problems");

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags)
        {
            map[key] = tag?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, map));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
