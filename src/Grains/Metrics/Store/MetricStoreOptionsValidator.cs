using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Metrics.Store;

/// <summary>Checks <see cref="MetricStoreOptions"/> and says what to change.</summary>
public sealed class MetricStoreOptionsValidator : IValidateOptions<MetricStoreOptions>
{
    /// <summary>Smallest memory limit accepted: below it the index of a few hundred series alone would trip it.</summary>
    public const long MinMemoryLimitBytes = 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, MetricStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Retention < TimeSpan.FromMinutes(1))
        {
            failures.Add($"storage.retention is {options.Retention}; it must be at least 1m (default {MetricStoreOptions.DefaultRetention.TotalHours}h).");
        }

        if (options.MemoryLimitBytes < MinMemoryLimitBytes)
        {
            failures.Add($"storage.memory_limit is {options.MemoryLimitBytes} bytes; it must be at least 1MiB (default 512MiB).");
        }

        if (options.ChunkSamples is < 2 or > ChunkFormat.MaxSamples)
        {
            failures.Add($"storage chunk size is {options.ChunkSamples} samples; it must be between 2 and {ChunkFormat.MaxSamples} (default {MetricStoreOptions.DefaultChunkSamples}).");
        }

        if (options.ChunkMaxSpan < TimeSpan.FromSeconds(1))
        {
            failures.Add($"storage chunk span is {options.ChunkMaxSpan}; it must be at least 1s (default {MetricStoreOptions.DefaultChunkMaxSpan.TotalHours}h).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
