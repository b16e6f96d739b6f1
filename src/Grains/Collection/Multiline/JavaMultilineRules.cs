using System.Text.RegularExpressions;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// Java (and Kotlin, Scala, Node.js, .NET) stack traces: a line naming an exception or error
/// (<c>java.lang.IllegalStateException: boom</c>, <c>Exception in thread "main" …</c>) starts a
/// record; indented <c>at …</c> frames, <c>... N more</c>, <c>Caused by:</c> and <c>Suppressed:</c>
/// lines and .NET's <c>---&gt;</c> / <c>--- End of …</c> markers continue it.
/// </summary>
/// <remarks>
/// The log line a logger writes before the exception (<c>ERROR … request failed</c>) is a record
/// of its own, as with fluent-bit's <c>java</c> parser; a custom start pattern on the log's
/// timestamp joins it too.
/// </remarks>
internal sealed partial class JavaMultilineRules : MultilineRules
{
    private const int InTrace = 1;

    public JavaMultilineRules(MultilineOptions options)
        : base(options)
    {
    }

    internal override MultilineLineKind Classify(int state, ReadOnlySpan<char> line, out int nextState)
    {
        nextState = InTrace;
        if (state != NoGroup && TraceLine().IsMatch(line))
        {
            return MultilineLineKind.Continue;
        }

        return ExceptionHeader().IsMatch(line) ? MultilineLineKind.Start : MultilineLineKind.Alone;
    }

    // "…Exception: message", "…Error:", or a line ending in the class name ("Exception in thread "main" java.lang.NullPointerException").
    [GeneratedRegex(@"(?:Exception|Error|Throwable)(?::|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ExceptionHeader();

    [GeneratedRegex(
        @"^(?:\s+at\s|\s*\.\.\.\s?\d+\s(?:more|common frames omitted)|\s*(?:Caused by|Suppressed|Wrapped by):|\s*--->\s|\s*--- End of )",
        RegexOptions.CultureInvariant)]
    private static partial Regex TraceLine();
}
