using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Logging;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Telemetry;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Grains.Aggregation;

/// <summary>
/// One tenant shard of the aggregation stage (key <c>tenant/shard</c>): runs the filter chain
/// over each batch, writes what is left to the tenant's outputs, and answers only once every
/// output holds it (stored, already stored, or dead-lettered), so the collector may commit. A
/// failing output makes the whole delivery fail; the collector keeps the batch and retries it,
/// and the stores drop what they already have. Records a store refuses on purpose (older than its
/// retention) are counted and count as delivered, so they never hold a file's checkpoint back.
/// Filter state (throttle buckets, metric series) lives in this activation.
/// </summary>
[ActivationCountBasedPlacement]
public sealed partial class AggregatorGrain : Grain, IAggregatorGrain
{
    private readonly IReadOnlyList<ILogOutput> _outputs;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly FilterChain _filters;
    private readonly FailureStreak[] _failures;

    public AggregatorGrain(IEnumerable<ILogOutput> outputs, TenantDirectory tenants, IFilterChainFactory filters, PipelineMetrics metrics, ILogger<AggregatorGrain> logger)
    {
        var tenant = TenantOf(this.GetPrimaryKeyString());
        _outputs = [.. outputs.Where(o => tenants.Routes(tenant, o.Name))];
        _failures = [.. _outputs.Select(_ => new FailureStreak())];
        _filters = filters.Create(tenant);
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<DeliveryResult> Deliver(LogBatch batch)
    {
        var records = LogEventBatch.Read(batch);
        _filters.Apply(records);
        if (records.Count == 0)
        {
            return new DeliveryResult { Delivered = true, Stored = 0 };
        }

        var stored = 0;
        for (var i = 0; i < _outputs.Count; i++)
        {
            var output = _outputs[i];
            try
            {
                var result = await output.WriteAsync(records, CancellationToken.None);
                stored = Math.Max(stored, result.Stored);
                if (_failures[i].Succeed())
                {
                    LogInformationOutputRecovered(_logger, output.Name, this.GetPrimaryKeyString());
                }

                _metrics.OutputRecords.Add(result.Stored, new("output", output.Name), new("result", "stored"));
                _metrics.OutputRecords.Add(result.Duplicates, new("output", output.Name), new("result", "duplicate"));
                _metrics.OutputRecords.Add(result.DeadLettered, new("output", output.Name), new("result", "dead_lettered"));
                if (result.OlderThanRetention > 0)
                {
                    _metrics.StoreRecordsRejected.Add(
                        result.OlderThanRetention,
                        new("output", output.Name),
                        new("tenant", TenantOf(this.GetPrimaryKeyString())),
                        new("reason", PipelineMetrics.OlderThanRetention));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _metrics.OutputErrors.Add(1, new KeyValuePair<string, object?>("output", output.Name));
                if (_failures[i].Fail())
                {
                    LogWarningOutputFailed(_logger, e, output.Name, this.GetPrimaryKeyString(), batch.Sequence, e.Message);
                }
                else
                {
                    // The trace was logged with the first failure; each retry is one line with its cause.
                    LogWarningOutputFailedAgain(_logger, output.Name, this.GetPrimaryKeyString(), batch.Sequence, _failures[i].Failures, e.Message);
                }

                return DeliveryResult.Failed($"output '{output.Name}' failed: {e.Message}");
            }
        }

        return new DeliveryResult { Delivered = true, Stored = stored };
    }

    /// <summary>The tenant part of an aggregator key <c>tenant/shard</c>.</summary>
    public static string TenantOf(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash < 0 ? key : key[..slash];
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Output {Output} could not take batch {Sequence} of {Aggregator}; the collector will retry: {Error}")]
    private static partial void LogWarningOutputFailed(ILogger logger, Exception exception, string output, string aggregator, long sequence, string error);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Output {Output} could not take batch {Sequence} of {Aggregator} (failure {Failures} in a row); the collector will retry: {Error}")]
    private static partial void LogWarningOutputFailedAgain(ILogger logger, string output, string aggregator, long sequence, long failures, string error);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Output {Output} takes the batches of {Aggregator} again")]
    private static partial void LogInformationOutputRecovered(ILogger logger, string output, string aggregator);
}
