using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>Checks <see cref="TailOptions"/> at start-up, naming the key and what to write instead.</summary>
public sealed class TailOptionsValidator : IValidateOptions<TailOptions>
{
    public ValidateOptionsResult Validate(string? name, TailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Paths.Count == 0)
        {
            failures.Add("Paths: no pattern (expected at least one absolute glob such as /var/log/containers/*.log).");
        }

        for (var i = 0; i < options.Paths.Count; i++)
        {
            var pattern = options.Paths[i];
            if (string.IsNullOrEmpty(pattern) || pattern[0] != '/')
            {
                failures.Add($"Paths[{i}]: '{pattern}' is not absolute (expected a glob starting with '/', such as /var/log/containers/*.log).");
                continue;
            }

            CheckPattern($"Paths[{i}]", pattern, failures);
        }

        for (var i = 0; i < options.ExcludePaths.Count; i++)
        {
            CheckPattern($"ExcludePaths[{i}]", options.ExcludePaths[i], failures);
        }

        if (options.RescanInterval <= TimeSpan.Zero)
        {
            failures.Add($"RescanInterval: {options.RescanInterval} is not positive (default {TailOptions.DefaultRescanIntervalSeconds}s).");
        }

        if (options.RotateWait < TimeSpan.Zero)
        {
            failures.Add($"RotateWait: {options.RotateWait} is negative (default {TailOptions.DefaultRotateWaitSeconds}s).");
        }

        if (options.MaxLineBytes < TailOptions.MinMaxLineBytes)
        {
            failures.Add($"MaxLineBytes: {options.MaxLineBytes} is below {TailOptions.MinMaxLineBytes} (default {TailOptions.DefaultMaxLineBytes}).");
        }

        if (options.ReadBufferBytes <= 0)
        {
            failures.Add($"ReadBufferBytes: {options.ReadBufferBytes} is not positive (default {TailOptions.DefaultReadBufferBytes}).");
        }

        if (options.IgnoreOlderThan is { } ignoreOlderThan && ignoreOlderThan <= TimeSpan.Zero)
        {
            failures.Add($"IgnoreOlderThan: {ignoreOlderThan} is not positive (leave it unset to follow files of any age).");
        }

        if (options.ForgetCheckpointsAfter <= TimeSpan.Zero)
        {
            failures.Add($"ForgetCheckpointsAfter: {options.ForgetCheckpointsAfter} is not positive (default {TailOptions.DefaultForgetCheckpointsAfterHours}h).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPattern(string key, string pattern, List<string> failures)
    {
        try
        {
            GlobPattern.Parse(pattern);
        }
        catch (FormatException e)
        {
            failures.Add($"{key}: {e.Message}");
        }
    }
}
