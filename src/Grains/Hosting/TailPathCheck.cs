using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Grains.Configuration;

namespace Pipeline.Grains.Hosting;

/// <summary>
/// Warns at start-up about each <c>tail</c> path whose directory does not exist. The tailer then follows nothing
/// there (until the directory appears), which would otherwise show only as <c>pipeline_input_files 0</c>: a typo in
/// a path, or a node's <c>/var/log</c> not mounted into the pod, looks like a quiet cluster.
/// </summary>
internal sealed partial class TailPathCheck(PipelineConfig config, ILogger<TailPathCheck> logger) : IHostedService
{
    private static readonly char[] Wildcards = ['*', '?', '[', '{'];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (input, path, directory) in MissingDirectories(config.Logs))
        {
            LogWarningNoDirectory(logger, input, path, directory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Each input path (its input's index) whose fixed leading directory does not exist.</summary>
    public static List<(int Input, string Path, string Directory)> MissingDirectories(LogsConfig logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var missing = new List<(int, string, string)>();
        for (var i = 0; i < logs.Inputs.Count; i++)
        {
            foreach (var path in logs.Inputs[i].Paths)
            {
                var directory = FixedDirectory(path);
                if (!Directory.Exists(directory))
                {
                    missing.Add((i, path, directory));
                }
            }
        }

        return missing;
    }

    /// <summary>The directory a glob starts in: its segments before the first one with a wildcard (a plain file path: its directory).</summary>
    public static string FixedDirectory(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        var wildcard = glob.IndexOfAny(Wildcards);
        var fixedPart = wildcard < 0 ? glob : glob[..wildcard];
        var slash = fixedPart.LastIndexOf('/');
        return slash <= 0 ? "/" : fixedPart[..slash];
    }

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning,
        Message = "logs.inputs[{Input}].paths: '{Path}' follows no file: directory {Directory} does not exist. Fix the path, or mount the node's log directory into the pod (hostPath /var/log); files are followed once it exists")]
    private static partial void LogWarningNoDirectory(ILogger logger, int input, string path, string directory);
}
