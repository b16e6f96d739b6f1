using System.Diagnostics.Metrics;
using Pipeline.Grains.Metrics.Containers;

namespace Pipeline.Grains.Telemetry;

/// <summary>
/// The container metrics collector's own instruments (meter <see cref="PipelineMetrics.MeterName"/>), read from its
/// counters when <c>/metrics</c> is asked: collections, samples, files that produced nothing (by reason), and the
/// containers of the last collection with those the pod cache did not know.
/// </summary>
public sealed class ContainerMetricsTelemetry
{
    public ContainerMetricsTelemetry(IMeterFactory meterFactory, ContainerMetricsCollector collector, string node)
    {
        var counters = collector.Counters;
        var tag = new KeyValuePair<string, object?>("node", node);
        var meter = meterFactory.Create(PipelineMetrics.MeterName);
        meter.CreateObservableCounter(
            "pipeline_container_collections",
            () => (IEnumerable<Measurement<long>>)
            [
                new(counters.Collections, tag, new("result", "ok")),
                new(counters.FailedCollections, tag, new("result", "failed")),
                new(counters.UnavailableCollections, tag, new("result", "unavailable")),
            ],
            description: "Collections of the node's container cgroups, by result: ok, failed (logged; files that cannot be read do not fail one), unavailable (no cgroup hierarchy at containers.cgroup_root).");
        meter.CreateObservableCounter("pipeline_container_samples", () => new Measurement<long>(counters.Samples, tag), description: "cAdvisor samples handed to the remote_write queues.");
        meter.CreateObservableCounter(
            "pipeline_container_files_skipped",
            () => (IEnumerable<Measurement<long>>)
            [
                new(counters.MissingFiles, tag, new("reason", "missing")),
                new(counters.UnreadableFiles, tag, new("reason", "unreadable")),
                new(counters.GarbageFiles, tag, new("reason", "garbled")),
            ],
            description: "cgroup and proc files that produced no series, by reason.");
        meter.CreateObservableGauge("pipeline_containers", () => new Measurement<int>(counters.Containers, tag), description: "Containers found by the last collection.");
        meter.CreateObservableGauge("pipeline_containers_unenriched", () => new Measurement<int>(counters.Unenriched, tag), description: "Containers of the last collection whose pod or container the pod cache did not know (series with the cgroup id only).");
    }
}
