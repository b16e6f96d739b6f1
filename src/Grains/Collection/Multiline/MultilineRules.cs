using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// The rules of one <see cref="MultilineOptions"/>, built once: which line starts a record and
/// which lines continue it. Immutable and thread-safe, so one instance serves the joiners of every
/// file of an input (a custom pattern is compiled once, not once per file).
/// </summary>
/// <remarks>
/// Rules are a small state machine in the manner of fluent-bit's multiline parsers: a stream with
/// a pending record is in some state, and a line either continues the record (possibly moving to
/// another state), starts a new one, or stands alone. Continuation is tried before start, so a
/// <c>Caused by: …Exception</c> line joins its trace instead of starting another.
/// </remarks>
public abstract class MultilineRules
{
    /// <summary>The state of a stream that is building no record.</summary>
    internal const int NoGroup = 0;

    // Options are init-only, so rules built for an instance stay right for it while it lives.
    private static readonly ConditionalWeakTable<MultilineOptions, MultilineRules> BuiltRules = new();

    private protected MultilineRules(MultilineOptions options)
    {
        Options = options;
    }

    /// <summary>The options the rules were built from (limits and flush timeout included).</summary>
    public MultilineOptions Options { get; }

    /// <summary>Validates <paramref name="options"/> and builds its rules.</summary>
    /// <exception cref="OptionsValidationException">The options are not usable; the failures say what to change.</exception>
    public static MultilineRules Create(MultilineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new MultilineOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MultilineOptions), typeof(MultilineOptions), validation.Failures);
        }

        return options.Mode switch
        {
            MultilineMode.Java => new JavaMultilineRules(options),
            MultilineMode.Python => new PythonMultilineRules(options),
            MultilineMode.Go => new GoMultilineRules(options),
            _ => new CustomMultilineRules(options),
        };
    }

    /// <summary>
    /// The rules of <paramref name="options"/>, built on first use and then shared by every caller
    /// passing the same instance, so a joiner per file does not compile a custom pattern per file.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not usable; the failures say what to change.</exception>
    public static MultilineRules For(MultilineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return BuiltRules.GetValue(options, Create);
    }

    /// <summary>Classifies one line of a stream.</summary>
    /// <param name="state">The stream's state: <see cref="NoGroup"/>, or the state its last joined line left it in.</param>
    /// <param name="line">The line's text, without a trailing <c>\r</c> or <c>\n</c>.</param>
    /// <param name="nextState">The stream's state after the line, for <see cref="MultilineLineKind.Start"/> and <see cref="MultilineLineKind.Continue"/>.</param>
    internal abstract MultilineLineKind Classify(int state, ReadOnlySpan<char> line, out int nextState);
}
