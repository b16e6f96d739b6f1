using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>Rejects <see cref="MultilineOptions"/> the joiner cannot work with, saying what to set.</summary>
public sealed class MultilineOptionsValidator : IValidateOptions<MultilineOptions>
{
    /// <summary>Largest accepted <see cref="MultilineOptions.MaxBytes"/> (64 MiB).</summary>
    public const int MaxMaxBytes = 64 * 1024 * 1024;

    /// <summary>Largest accepted <see cref="MultilineOptions.MaxLines"/>.</summary>
    public const int MaxMaxLines = 1_000_000;

    public ValidateOptionsResult Validate(string? name, MultilineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        if (!Enum.IsDefined(options.Mode))
        {
            (failures ??= []).Add($"Mode: {(int)options.Mode} is not a mode (expected one of java, python, go, custom).");
        }

        if (options.Mode == MultilineMode.Custom)
        {
            if (string.IsNullOrEmpty(options.StartPattern))
            {
                (failures ??= []).Add(@"StartPattern: required with mode custom; give a regex matching the first line of a record, e.g. '^\d{4}-\d{2}-\d{2}'.");
            }
            else
            {
                CheckPattern(nameof(MultilineOptions.StartPattern), options.StartPattern, ref failures);
            }

            if (!string.IsNullOrEmpty(options.ContinuePattern))
            {
                CheckPattern(nameof(MultilineOptions.ContinuePattern), options.ContinuePattern, ref failures);
            }
        }
        else if (Enum.IsDefined(options.Mode) && (!string.IsNullOrEmpty(options.StartPattern) || !string.IsNullOrEmpty(options.ContinuePattern)))
        {
            (failures ??= []).Add(
                $"StartPattern/ContinuePattern: only read with mode custom, but mode is {options.Mode.ToString().ToLowerInvariant()}; remove them or set mode custom.");
        }

        if (options.FlushTimeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"FlushTimeout: {options.FlushTimeout} must be positive (default {MultilineOptions.DefaultFlushTimeout.TotalSeconds} s).");
        }

        if (options.MaxBytes is < 1 or > MaxMaxBytes)
        {
            (failures ??= []).Add($"MaxBytes: {options.MaxBytes} is out of range (expected 1 to {MaxMaxBytes}; default {MultilineOptions.DefaultMaxBytes}).");
        }

        if (options.MaxLines is < 1 or > MaxMaxLines)
        {
            (failures ??= []).Add($"MaxLines: {options.MaxLines} is out of range (expected 1 to {MaxMaxLines}; default {MultilineOptions.DefaultMaxLines}).");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPattern(string member, string pattern, ref List<string>? failures)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            (failures ??= []).Add($"{member}: '{pattern}' is not a valid .NET regular expression ({ex.Message}).");
        }
    }
}
