using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Pipeline.Contracts.Logs;

namespace Pipeline.Grains.Telemetry;

/// <summary>
/// The pipeline's own instruments (meter <see cref="MeterName"/>), exported at <c>/metrics</c>.
/// One instance per silo; every stage records into it with its own tags.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "Pipeline";

    /// <summary>The <c>reason</c> of <see cref="StoreRecordsRejected"/> for a record whose own time is already past the store's retention.</summary>
    public const string OlderThanRetention = "older_than_retention";

    public PipelineMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        InputRecords = meter.CreateCounter<long>("pipeline_input_records", description: "Log records read and decoded by collectors.");
        InputBytes = meter.CreateCounter<long>("pipeline_input_bytes", "By", "Bytes of log files read by collectors.");
        InputProblems = meter.CreateCounter<long>("pipeline_input_problems", description: "Lines kept despite a problem, by reason (truncated, unparsed, utf8_repaired, incomplete).");
        InputPausedSeconds = meter.CreateCounter<double>("pipeline_input_paused_seconds", "s", "Time log reading spent paused because the buffer was full.");
        BatchesSent = meter.CreateCounter<long>("pipeline_batches_sent", description: "Log batches sent to aggregators (retries included).");
        BatchesFailed = meter.CreateCounter<long>("pipeline_batches_failed", description: "Log batch deliveries that failed and will be retried, by reason.");
        OutputRecords = meter.CreateCounter<long>("pipeline_output_records", description: "Records written by outputs, by output and result (stored, duplicate).");
        OutputErrors = meter.CreateCounter<long>("pipeline_output_errors", description: "Output writes that failed, by output.");
        FileEvents = meter.CreateCounter<long>("pipeline_input_file_events", description: "Followed-file events by kind (opened, rotated, truncated, resumed, restarted).");
        TenantPausedSeconds = meter.CreateCounter<double>("pipeline_tenant_paused_seconds", "s", "Time a tenant's files were not read because the tenant's own buffer was full, by node and tenant.");
        meter.CreateObservableGauge("pipeline_tenant_buffer_bytes", () => ObserveTenants(t => t.BufferedBytes), "By", "Bytes of a tenant's records a collector holds unacknowledged.");
        meter.CreateObservableGauge("pipeline_tenant_paused", () => ObserveTenants(t => t.Paused ? 1 : 0), description: "1 while a tenant's files are paused on a node because its buffer is full.");
        FilterDropped = meter.CreateCounter<long>("pipeline_filter_dropped_records", description: "Records a filter dropped on purpose, by filter type (grep, throttle, …) and tenant.");
        FilterProblems = meter.CreateCounter<long>("pipeline_filter_problems", description: "Records a filter could not process and passed on unchanged, by filter type and reason.");
        StoreRecordsRejected = meter.CreateCounter<long>("pipeline_store_records_rejected", description: "Records a store did not keep on purpose and will not retry, by output, tenant and reason (older_than_retention: the record's own time was already past the retention).");
        DeadLetterRecords = meter.CreateCounter<long>("pipeline_dead_letter_records", description: "Records a store rejected for good, kept in the dead-letter store, by output and tenant.");
        meter.CreateObservableGauge("pipeline_input_buffer_bytes", () => Observe(s => s.BufferedBytes), "By", "Bytes read by a collector and not yet acknowledged by the store.");
        meter.CreateObservableGauge("pipeline_input_buffer_peak_bytes", () => Observe(s => s.PeakBufferedBytes), "By", "The most bytes a collector has held unacknowledged at once since it started.");
        meter.CreateObservableGauge("pipeline_input_paused", () => Observe(s => s.Paused ? 1 : 0), description: "1 while a collector's reading is paused because its buffer is full.");
        UnenrichedRecords = meter.CreateCounter<long>("pipeline_log_records_unenriched", description: "Records sent with only their file name's Kubernetes metadata although logs.kubernetes is enabled (pod not known yet, API unreachable).");
        ExcludedRecords = meter.CreateCounter<long>("pipeline_log_records_excluded", description: "Records left out because their pod's fluentbit.io/exclude annotations ask so.");
        meter.CreateObservableGauge("pipeline_log_files_excluded", () => Observe(s => s.FilesExcluded), description: "Followed files whose pod asks for all their records to be left out (fluentbit.io/exclude).");
        meter.CreateObservableGauge("pipeline_output_blocked", ObserveBlockedOutputs, description: "1 while an output cannot deliver until its configuration or the store's is fixed (reason: unauthorized, forbidden, template_refused, index_unavailable); records wait in the buffers.");
        meter.CreateObservableGauge("pipeline_input_files", () => Observe(s => s.FilesFollowed), description: "Files a collector follows.");
    }

    private readonly ConcurrentDictionary<string, Func<CollectorStatus>> _collectors = new();

    /// <summary>The outputs of this silo that cannot deliver now, and why.</summary>
    public OutputHealth OutputHealth { get; } = new();

    /// <summary>Lets the gauges read a collector's state; the collector grain registers on activation.</summary>
    public void RegisterCollector(string node, Func<CollectorStatus> status) => _collectors[node] = status;

    public void UnregisterCollector(string node) => _collectors.TryRemove(node, out _);

    private IEnumerable<Measurement<long>> Observe(Func<CollectorStatus, long> value)
    {
        foreach (var (node, status) in _collectors)
        {
            yield return new Measurement<long>(value(status()), new KeyValuePair<string, object?>("node", node));
        }
    }

    private IEnumerable<Measurement<long>> ObserveBlockedOutputs()
    {
        foreach (var block in OutputHealth.Blocks)
        {
            yield return new Measurement<long>(1, new KeyValuePair<string, object?>("output", block.Output), new KeyValuePair<string, object?>("reason", block.Reason));
        }
    }

    private IEnumerable<Measurement<long>> ObserveTenants(Func<TenantBufferStatus, long> value)
    {
        foreach (var (node, status) in _collectors)
        {
            foreach (var tenant in status().Tenants)
            {
                yield return new Measurement<long>(value(tenant), new KeyValuePair<string, object?>("node", node), new KeyValuePair<string, object?>("tenant", tenant.Tenant));
            }
        }
    }

    public Counter<double> TenantPausedSeconds { get; }
    public Counter<long> InputRecords { get; }
    public Counter<long> InputBytes { get; }
    public Counter<long> InputProblems { get; }
    public Counter<double> InputPausedSeconds { get; }
    public Counter<long> BatchesSent { get; }
    public Counter<long> BatchesFailed { get; }
    public Counter<long> OutputRecords { get; }
    public Counter<long> OutputErrors { get; }
    public Counter<long> FileEvents { get; }
    public Counter<long> FilterDropped { get; }
    public Counter<long> FilterProblems { get; }
    public Counter<long> DeadLetterRecords { get; }
    public Counter<long> StoreRecordsRejected { get; }
    public Counter<long> UnenrichedRecords { get; }
    public Counter<long> ExcludedRecords { get; }
}
