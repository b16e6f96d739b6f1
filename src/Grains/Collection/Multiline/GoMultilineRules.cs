using System.Text.RegularExpressions;

namespace Pipeline.Grains.Collection.Multiline;

/// <summary>
/// Go panics and goroutine dumps: <c>panic: …</c>, <c>fatal error: …</c> or
/// <c>http: panic serving …</c> starts a record; blank lines, <c>[signal …]</c>,
/// <c>goroutine N [state]:</c> headers, function lines (<c>main.(*T).Run(…)</c>),
/// <c>created by …</c> and the indented <c>file.go:N +0x…</c> lines continue it.
/// </summary>
internal sealed partial class GoMultilineRules : MultilineRules
{
    private const int InPanic = 1;

    public GoMultilineRules(MultilineOptions options)
        : base(options)
    {
    }

    internal override MultilineLineKind Classify(int state, ReadOnlySpan<char> line, out int nextState)
    {
        nextState = InPanic;
        if (state != NoGroup && (line.IsEmpty || TraceLine().IsMatch(line)))
        {
            return MultilineLineKind.Continue;
        }

        return PanicHeader().IsMatch(line) ? MultilineLineKind.Start : MultilineLineKind.Alone;
    }

    // log.Panic writes "2026/11/25 10:00:00 panic: …"; net/http "http: panic serving 10.0.0.1:5000: …".
    [GeneratedRegex(@"(?:^|\s)panic: |^fatal error: |http: panic serving ", RegexOptions.CultureInvariant)]
    private static partial Regex PanicHeader();

    // A function line has no space before its argument list: "main.main()", "net/http.(*conn).serve(0xc000…, {0x…})".
    [GeneratedRegex(
        @"^(?:\s|\[signal |goroutine \d+|created by |\S+\(.*\)$|\.\.\.additional frames elided\.\.\.$|runtime stack:$)",
        RegexOptions.CultureInvariant)]
    private static partial Regex TraceLine();
}
