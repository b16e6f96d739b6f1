using Microsoft.Extensions.Logging;

namespace Pipeline.Grains.Discovery.Kubernetes;

internal static partial class KubernetesDiscoveryLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, Message = "Kubernetes {Role} discovery listed {Count} objects in {Namespace} at resourceVersion {ResourceVersion}")]
    public static partial void LogDebugListed(ILogger logger, KubernetesRole role, string @namespace, int count, string resourceVersion);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Kubernetes {Role} watch in {Namespace}: resourceVersion {ResourceVersion} is gone (410), listing again")]
    public static partial void LogInformationGone(ILogger logger, KubernetesRole role, string @namespace, string resourceVersion);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Kubernetes {Role} list/watch in {Namespace} failed; retrying from resourceVersion '{ResourceVersion}': {Error}")]
    public static partial void LogWarningWatchFailed(ILogger logger, Exception exception, KubernetesRole role, string @namespace, string resourceVersion, string error);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Warning, Message = "Kubernetes {Role} list/watch in {Namespace} failed again ({Failures} in a row); retrying from resourceVersion '{ResourceVersion}': {Error}")]
    public static partial void LogWarningWatchFailedAgain(ILogger logger, KubernetesRole role, string @namespace, long failures, string resourceVersion, string error);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Information, Message = "Kubernetes {Role} watch in {Namespace} stayed silent past its timeout; resuming from resourceVersion {ResourceVersion}")]
    public static partial void LogInformationStalled(ILogger logger, KubernetesRole role, string @namespace, string resourceVersion);
}
