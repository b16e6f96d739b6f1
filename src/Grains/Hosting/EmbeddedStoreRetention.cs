using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Hosting;

/// <summary>Deletes records past the embedded store's retention, at start and then hourly.</summary>
internal sealed partial class EmbeddedStoreRetention(EmbeddedLogStore store, TimeProvider time, ILogger<EmbeddedStoreRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await store.ApplyRetentionAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }

                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                await Task.Delay(Interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Retention deleted {Count} records from the embedded store")]
    private static partial void LogDeleted(ILogger logger, long count);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Retention of the embedded store failed; trying again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
