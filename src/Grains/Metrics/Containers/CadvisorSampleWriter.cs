using Pipeline.Grains.RemoteWrite;
using static Pipeline.Grains.Metrics.Containers.CadvisorMetricNames;

namespace Pipeline.Grains.Metrics.Containers;

/// <summary>
/// Turns cgroup stats into cAdvisor's series, with cAdvisor's units: CPU in seconds, the CFS quota and
/// period in microseconds, memory in bytes, an unlimited memory limit as 0. Labels are <c>id</c> (the cgroup
/// path), <c>namespace</c>, <c>pod</c>, <c>container</c>, <c>image</c> and, per series, <c>device</c> or
/// <c>interface</c>; empty values are left out, as Prometheus drops them. Each series keeps one label array
/// across collections (downstream caches key on its reference) until its container's metadata changes or
/// the container goes. Not thread-safe: one per collector.
/// </summary>
public sealed class CadvisorSampleWriter
{
    private const double NanosecondsPerSecond = 1e9;

    private readonly Dictionary<string, CgroupSeries> _byId = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];
    private RemoteWriteSample[] _samples = new RemoteWriteSample[256];
    private int _count;
    private long _timestampMs;
    private long _generation;

    /// <summary>Series kept now (label arrays held for reuse).</summary>
    public int SeriesCount
    {
        get
        {
            var total = 0;
            foreach (var series in _byId.Values)
            {
                total += series.Labels.Count;
            }

            return total;
        }
    }

    /// <summary>Starts a collection whose samples carry <paramref name="timestampMs"/>.</summary>
    public void Begin(long timestampMs)
    {
        _timestampMs = timestampMs;
        _count = 0;
        _generation++;
    }

    /// <summary>Adds the series of the cgroup <paramref name="id"/>.</summary>
    public void Add(string id, ContainerMetadata? metadata, CgroupStats stats)
    {
        if (!_byId.TryGetValue(id, out var series))
        {
            series = new CgroupSeries(id, metadata);
            _byId[id] = series;
        }
        else if (series.Metadata != metadata)
        {
            series = new CgroupSeries(id, metadata);
            _byId[id] = series;
        }

        series.Generation = _generation;
        Seconds(series, CpuUsageSeconds, stats.CpuUsageNanoseconds);
        Seconds(series, CpuUserSeconds, stats.CpuUserNanoseconds);
        Seconds(series, CpuSystemSeconds, stats.CpuSystemNanoseconds);
        Value(series, CfsPeriods, stats.CfsPeriods);
        Value(series, CfsThrottledPeriods, stats.CfsThrottledPeriods);
        Seconds(series, CfsThrottledSeconds, stats.CfsThrottledNanoseconds);

        // As cAdvisor: no quota series for an unlimited container (its quota is 0).
        if (stats.CpuQuotaMicroseconds is > 0)
        {
            Value(series, SpecCpuQuota, stats.CpuQuotaMicroseconds);
        }

        Value(series, SpecCpuPeriod, stats.CpuPeriodMicroseconds);
        Value(series, MemoryUsage, stats.MemoryUsageBytes);
        Value(series, MemoryWorkingSet, stats.MemoryWorkingSetBytes);
        Value(series, MemoryRss, stats.MemoryRssBytes);
        Value(series, MemoryCache, stats.MemoryCacheBytes);
        if (stats.MemoryLimitBytes is { } limit)
        {
            Value(series, SpecMemoryLimit, stats.MemoryUnlimited ? 0 : limit);
        }

        foreach (var device in stats.BlockDevices)
        {
            Labeled(series, FsReadsBytes, DeviceLabel, device.Device, device.ReadBytes);
            Labeled(series, FsWritesBytes, DeviceLabel, device.Device, device.WriteBytes);
            Labeled(series, FsReads, DeviceLabel, device.Device, device.Reads);
            Labeled(series, FsWrites, DeviceLabel, device.Device, device.Writes);
        }

        foreach (var network in stats.NetworkInterfaces)
        {
            var name = network.Interface;
            Labeled(series, NetworkReceiveBytes, InterfaceLabel, name, network.ReceiveBytes);
            Labeled(series, NetworkReceivePackets, InterfaceLabel, name, network.ReceivePackets);
            Labeled(series, NetworkReceiveErrors, InterfaceLabel, name, network.ReceiveErrors);
            Labeled(series, NetworkReceiveDropped, InterfaceLabel, name, network.ReceiveDropped);
            Labeled(series, NetworkTransmitBytes, InterfaceLabel, name, network.TransmitBytes);
            Labeled(series, NetworkTransmitPackets, InterfaceLabel, name, network.TransmitPackets);
            Labeled(series, NetworkTransmitErrors, InterfaceLabel, name, network.TransmitErrors);
            Labeled(series, NetworkTransmitDropped, InterfaceLabel, name, network.TransmitDropped);
        }
    }

    /// <summary>Ends the collection: forgets the label arrays of cgroups not added this time and returns the samples (valid until the next <see cref="Begin"/>).</summary>
    public ReadOnlySpan<RemoteWriteSample> End()
    {
        _gone.Clear();
        foreach (var (id, series) in _byId)
        {
            if (series.Generation != _generation)
            {
                _gone.Add(id);
            }
        }

        foreach (var id in _gone)
        {
            _byId.Remove(id);
        }

        return _samples.AsSpan(0, _count);
    }

    private void Seconds(CgroupSeries series, string name, long? nanoseconds)
    {
        if (nanoseconds is { } value)
        {
            Append(series.LabelsFor(name, null, null), value / NanosecondsPerSecond);
        }
    }

    private void Value(CgroupSeries series, string name, long? value)
    {
        if (value is { } v)
        {
            Append(series.LabelsFor(name, null, null), v);
        }
    }

    private void Labeled(CgroupSeries series, string name, string label, string labelValue, long value) =>
        Append(series.LabelsFor(name, label, labelValue), value);

    private void Append(RemoteWriteSeries labels, double value)
    {
        if (_count == _samples.Length)
        {
            Array.Resize(ref _samples, _samples.Length * 2);
        }

        _samples[_count++] = new RemoteWriteSample(labels, _timestampMs, value);
    }

    /// <summary>The series of one cgroup, encoded once for its metadata.</summary>
    private sealed class CgroupSeries(string id, ContainerMetadata? metadata)
    {
        public ContainerMetadata? Metadata { get; } = metadata;

        public long Generation { get; set; }

        public Dictionary<(string Name, string? ExtraValue), RemoteWriteSeries> Labels { get; } = [];

        public RemoteWriteSeries LabelsFor(string name, string? extraName, string? extraValue)
        {
            if (Labels.TryGetValue((name, extraValue), out var labels))
            {
                return labels;
            }

            var list = new List<RemoteWriteLabel>(8) { new(NameLabel, name), new(IdLabel, id) };
            if (Metadata is { } meta)
            {
                AddIfSet(list, NamespaceLabel, meta.Namespace);
                AddIfSet(list, PodLabel, meta.Pod);
                AddIfSet(list, ContainerLabel, meta.Container);
                AddIfSet(list, ImageLabel, meta.Image);
            }

            if (extraName is not null && extraValue is { Length: > 0 })
            {
                list.Add(new RemoteWriteLabel(extraName, extraValue));
            }

            list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            labels = RemoteWriteSeries.From([.. list]);
            Labels[(name, extraValue)] = labels;
            return labels;
        }

        private static void AddIfSet(List<RemoteWriteLabel> list, string name, string value)
        {
            if (value.Length > 0)
            {
                list.Add(new RemoteWriteLabel(name, value));
            }
        }
    }
}
