using System.Text.RegularExpressions;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// Python tracebacks: <c>Traceback (most recent call last):</c> starts a record; indented lines
/// (<c>File "…", line N, in f</c>, the source line, 3.11's <c>^^^^</c> markers, exception-group
/// frames) continue it, and so does the exception line (<c>ValueError: bad</c>). After it, the
/// chaining lines (<c>During handling of the above exception…</c>, <c>The above exception was the
/// direct cause…</c>), the blank lines around them and the next <c>Traceback</c> keep a chain of
/// exceptions in one record.
/// </summary>
/// <remarks>A blank line right after the exception line joins too, waiting for a chain that may not come.</remarks>
internal sealed partial class PythonMultilineRules : MultilineRules
{
    private const int InTraceback = 1;
    private const int AfterException = 2;

    public PythonMultilineRules(MultilineOptions options)
        : base(options)
    {
    }

    internal override MultilineLineKind Classify(int state, ReadOnlySpan<char> line, out int nextState)
    {
        switch (state)
        {
            case InTraceback:
                if (!line.IsEmpty && char.IsWhiteSpace(line[0]))
                {
                    nextState = InTraceback;
                    return MultilineLineKind.Continue;
                }

                if (ExceptionLine().IsMatch(line))
                {
                    nextState = AfterException;
                    return MultilineLineKind.Continue;
                }

                break;
            case AfterException:
                if (line.IsWhiteSpace() || ChainLine().IsMatch(line))
                {
                    nextState = AfterException;
                    return MultilineLineKind.Continue;
                }

                if (TracebackHeader().IsMatch(line))
                {
                    nextState = InTraceback;
                    return MultilineLineKind.Continue;
                }

                break;
        }

        nextState = InTraceback;
        return TracebackHeader().IsMatch(line) ? MultilineLineKind.Start : MultilineLineKind.Alone;
    }

    // Exception groups (3.11) print "  + Exception Group Traceback (most recent call last):".
    [GeneratedRegex(@"^\s*(?:\+\s)?(?:Exception Group )?Traceback \(most recent call last\):$", RegexOptions.CultureInvariant)]
    private static partial Regex TracebackHeader();

    // "ValueError: bad", "KeyboardInterrupt", "requests.exceptions.ConnectionError: …".
    [GeneratedRegex(@"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?::.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ExceptionLine();

    [GeneratedRegex(
        @"^(?:During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception):$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ChainLine();
}
