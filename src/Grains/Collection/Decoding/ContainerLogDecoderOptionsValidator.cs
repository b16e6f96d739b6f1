using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>Rejects <see cref="ContainerLogDecoderOptions"/> the decoder cannot work with, saying what to set.</summary>
public sealed class ContainerLogDecoderOptionsValidator : IValidateOptions<ContainerLogDecoderOptions>
{
    /// <summary>Smallest accepted <see cref="ContainerLogDecoderOptions.MaxRecordBytes"/>.</summary>
    public const int MinMaxRecordBytes = 16;

    /// <summary>Largest accepted <see cref="ContainerLogDecoderOptions.MaxRecordBytes"/> (64 MiB).</summary>
    public const int MaxMaxRecordBytes = 64 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, ContainerLogDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        if (options.MaxRecordBytes is < MinMaxRecordBytes or > MaxMaxRecordBytes)
        {
            (failures ??= []).Add(
                $"MaxRecordBytes: {options.MaxRecordBytes} is out of range (expected {MinMaxRecordBytes} to {MaxMaxRecordBytes}; default {ContainerLogDecoderOptions.DefaultMaxRecordBytes}).");
        }

        if (options.PartialFlushTimeout <= TimeSpan.Zero)
        {
            (failures ??= []).Add(
                $"PartialFlushTimeout: {options.PartialFlushTimeout} must be positive (default {ContainerLogDecoderOptions.DefaultPartialFlushTimeoutSeconds} s).");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
