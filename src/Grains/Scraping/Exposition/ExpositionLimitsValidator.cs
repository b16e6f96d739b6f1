using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Rejects <see cref="ExpositionLimits"/> the parser cannot work with, saying what to set.</summary>
public sealed class ExpositionLimitsValidator : IValidateOptions<ExpositionLimits>
{
    /// <summary>Smallest accepted <see cref="ExpositionLimits.MaxLineBytes"/>.</summary>
    public const int MinMaxLineBytes = 256;

    /// <summary>Largest accepted <see cref="ExpositionLimits.MaxLineBytes"/> (64 MiB).</summary>
    public const int MaxMaxLineBytes = 64 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, ExpositionLimits options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        Negative(ref failures, "sample_limit", options.SampleLimit);
        Negative(ref failures, "body_size_limit", options.BodySizeLimit);
        Negative(ref failures, "label_limit", options.LabelLimit);
        Negative(ref failures, "label_name_length_limit", options.LabelNameLengthLimit);
        Negative(ref failures, "label_value_length_limit", options.LabelValueLengthLimit);
        if (options.MaxLineBytes is < MinMaxLineBytes or > MaxMaxLineBytes)
        {
            (failures ??= []).Add(
                $"MaxLineBytes: {options.MaxLineBytes} is out of range (expected {MinMaxLineBytes} to {MaxMaxLineBytes}; default {ExpositionLimits.DefaultMaxLineBytes}).");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Negative(ref List<string>? failures, string setting, long value)
    {
        if (value < 0)
        {
            (failures ??= []).Add($"{setting}: {value} must not be negative (0 means no limit).");
        }
    }
}
