using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Metrics.Containers;

internal static partial class ContainerMetricsLog
{
    [LoggerMessage(EventId = 4701, Level = LogLevel.Information, Message = "Container metrics: cgroup {Version} at {Root}")]
    public static partial void LogInformationDetected(ILogger logger, CgroupVersion version, string root);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Warning, Message = "Container metrics: no cgroup hierarchy at {Root} (mount the host's /sys/fs/cgroup there, or set containers.cgroup_root); nothing is collected")]
    public static partial void LogWarningNoCgroups(ILogger logger, string root);

    [LoggerMessage(EventId = 4703, Level = LogLevel.Error, Message = "Container metrics: a collection failed; the next one starts afresh")]
    public static partial void LogErrorCollectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4704, Level = LogLevel.Debug, Message = "Container metrics: {Containers} containers ({Unenriched} without metadata, {Skipped} skipped), {Samples} samples; files missing {Missing}, unreadable {Unreadable}, garbled {Garbage}")]
    public static partial void LogDebugCollected(ILogger logger, int containers, int unenriched, int skipped, int samples, int missing, int unreadable, int garbage);
}
