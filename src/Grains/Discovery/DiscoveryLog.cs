using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Discovery;

internal static partial class DiscoveryLog
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Job {Job}: file_sd cannot read {Path}: {Error}; keeping its last good target groups (shown in /api/v1/targets as a discovery error until fixed)")]
    public static partial void LogWarningFileFailed(ILogger logger, string job, string path, string error);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Job {Job}: http_sd refresh from {Url} failed; keeping the last good target groups: {Error}")]
    public static partial void LogWarningHttpFailed(ILogger logger, string job, string url, string error);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Job {Job}: {Mechanism} found {Groups} target groups")]
    public static partial void LogDebugRefreshed(ILogger logger, string job, string mechanism, int groups);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Job {Job}: file_sd cannot watch {Directory} for changes ({Error}); relying on refresh_interval")]
    public static partial void LogWarningNoWatcher(ILogger logger, string job, string directory, string error);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Error, Message = "Job {Job}: kubernetes_sd cannot start: {Error}")]
    public static partial void LogErrorKubernetesStart(ILogger logger, string job, string error);
}
