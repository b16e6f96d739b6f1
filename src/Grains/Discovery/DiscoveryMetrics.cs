using System.Diagnostics.Metrics;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// Service discovery's instruments, as Prometheus counts its own: <c>pipeline_sd_file_read_errors_total{job}</c>
/// (Prometheus's <c>prometheus_sd_file_read_errors_total</c>) counts file_sd files that could not be read or parsed,
/// or that are named and missing, at each refresh.
/// </summary>
public sealed class DiscoveryMetrics
{
    public const string FileReadErrorsInstrument = "pipeline_sd_file_read_errors";

    private readonly Counter<long> _fileReadErrors;

    /// <param name="meterFactory">Creates the meter.</param>
    /// <param name="meterName">The pipeline's meter, the one <c>/metrics</c> exports.</param>
    public DiscoveryMetrics(IMeterFactory meterFactory, string meterName)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(meterName);
        _fileReadErrors = meter.CreateCounter<long>(
            FileReadErrorsInstrument, description: "file_sd files that could not be read or parsed, or are missing, at a refresh, by job.");
    }

    public void FileReadError(string job) => _fileReadErrors.Add(1, new KeyValuePair<string, object?>("job", job));
}
