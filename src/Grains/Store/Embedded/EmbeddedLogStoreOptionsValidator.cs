using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>Checks <see cref="EmbeddedLogStoreOptions"/> and says what to change.</summary>
public sealed class EmbeddedLogStoreOptionsValidator : IValidateOptions<EmbeddedLogStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddedLogStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{nameof(EmbeddedLogStoreOptions.DatabasePath)} is empty; give the SQLite file to use, e.g. '{EmbeddedLogStoreOptions.DefaultDatabasePath}'.");
        }

        if (options.RetentionDays < 1)
        {
            failures.Add($"{nameof(EmbeddedLogStoreOptions.RetentionDays)} is {options.RetentionDays}; it must be at least 1 (default {EmbeddedLogStoreOptions.DefaultRetentionDays}).");
        }

        if (options.MaxSearchHits < 1)
        {
            failures.Add($"{nameof(EmbeddedLogStoreOptions.MaxSearchHits)} is {options.MaxSearchHits}; it must be at least 1 (default {EmbeddedLogStoreOptions.DefaultMaxSearchHits}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
