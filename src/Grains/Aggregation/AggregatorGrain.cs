using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Telemetry;

namespace Pipeline.Grains.Aggregation;

/// <summary>
/// One tenant shard of the aggregation stage (key <c>tenant/shard</c>): writes each batch to
/// every configured output and answers only once all of them hold it, so the collector may
/// commit. A failing output makes the whole delivery fail; the collector retries the same
/// batch and the stores drop what they already have.
/// </summary>
[ActivationCountBasedPlacement]
public sealed partial class AggregatorGrain : Grain, IAggregatorGrain
{
    private readonly IReadOnlyList<ILogOutput> _outputs;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _logger;

    public AggregatorGrain(IEnumerable<ILogOutput> outputs, PipelineMetrics metrics, ILogger<AggregatorGrain> logger)
    {
        _outputs = [.. outputs];
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<DeliveryResult> Deliver(LogBatch batch)
    {
        var records = LogEventBatch.Read(batch);
        var stored = 0;
        foreach (var output in _outputs)
        {
            try
            {
                var result = await output.WriteAsync(records, CancellationToken.None);
                stored = Math.Max(stored, result.Stored);
                _metrics.OutputRecords.Add(result.Stored, new("output", output.Name), new("result", "stored"));
                _metrics.OutputRecords.Add(result.Duplicates, new("output", output.Name), new("result", "duplicate"));
                _metrics.OutputRecords.Add(result.DeadLettered, new("output", output.Name), new("result", "dead_lettered"));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _metrics.OutputErrors.Add(1, new KeyValuePair<string, object?>("output", output.Name));
                LogOutputFailed(_logger, e, output.Name, this.GetPrimaryKeyString(), batch.Sequence);
                return DeliveryResult.Failed($"output '{output.Name}' failed: {e.Message}");
            }
        }

        return new DeliveryResult { Delivered = true, Stored = stored };
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Output {Output} could not take batch {Sequence} of {Aggregator}; the collector will retry")]
    private static partial void LogOutputFailed(ILogger logger, Exception exception, string output, string aggregator, long sequence);
}
