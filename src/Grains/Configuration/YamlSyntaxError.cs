using YamlDotNet.Core;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// Says where a pipeline file that is not YAML went wrong, naming the file and the line to fix. YamlDotNet
/// reports an unclosed <c>[</c> or <c>{</c> at the end of the file, or not at all (an <see cref="InvalidOperationException"/>
/// with no position), and a tab in the indentation at the line before it; this finds those lines itself.
/// </summary>
public static class YamlSyntaxError
{
    /// <summary>The error line for a file YamlDotNet could not load; <paramref name="error"/> is null when it gave no position.</summary>
    public static string Describe(string yaml, string source, YamlException? error)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (FlowBracketProblem(yaml) is { } bracket)
        {
            return $"{source} (line {bracket.Line}): not valid YAML: {bracket.Message}";
        }

        if (TabIndentedLine(yaml, error is null ? 1 : (int)error.Start.Line) is { } tabLine
            && (error is null || error.Message.Contains("tab", StringComparison.OrdinalIgnoreCase)))
        {
            return $"{source} (line {tabLine}): not valid YAML: a tab in the indentation (YAML indents with spaces only)";
        }

        if (error is null)
        {
            return $"{source}: not valid YAML (check brackets, quotes and indentation)";
        }

        return $"{source} (line {error.Start.Line}): not valid YAML: {error.InnerException?.Message ?? error.Message}";
    }

    /// <summary>The first line at or after <paramref name="fromLine"/> whose indentation holds a tab, if any.</summary>
    internal static int? TabIndentedLine(string yaml, int fromLine)
    {
        var lines = yaml.Split('\n');
        for (var i = Math.Max(0, fromLine - 1); i < lines.Length; i++)
        {
            var line = lines[i];
            var indentation = line.Length - line.TrimStart(' ', '\t').Length;
            if (line.AsSpan(0, indentation).Contains('\t'))
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>
    /// An opened <c>[</c> or <c>{</c> that is never closed, or closed by the wrong bracket, with the line to look at.
    /// Follows YAML's rules closely enough for configuration files: a bracket opens a flow collection only where a
    /// value starts (after <c>key:</c>, <c>-</c> or inside another flow collection), never inside quotes, comments,
    /// block scalars (<c>|</c>, <c>&gt;</c>) or a plain value such as <c>regex: ^[a-z]+</c>.
    /// </summary>
    internal static (int Line, string Message)? FlowBracketProblem(string yaml)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var lines = yaml.Split('\n');
        char quote = '\0';
        var quoteLine = 0;
        var blockScalarIndent = -1;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ').Length;
            if (blockScalarIndent >= 0)
            {
                if (line.Trim().Length == 0 || indent > blockScalarIndent)
                {
                    continue;
                }

                blockScalarIndent = -1;
            }

            var valueStarts = quote == '\0';
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quote != '\0')
                {
                    if (c == quote)
                    {
                        if (quote == '\'' && i + 1 < line.Length && line[i + 1] == '\'')
                        {
                            i++; // '' is a quote inside single quotes
                        }
                        else
                        {
                            quote = '\0';
                            valueStarts = false;
                        }
                    }
                    else if (c == '\\' && quote == '"')
                    {
                        i++;
                    }

                    continue;
                }

                if (c is ' ' or '\t')
                {
                    continue;
                }

                if (c == '#' && (i == 0 || line[i - 1] is ' ' or '\t'))
                {
                    break;
                }

                var inFlow = open.Count > 0;
                if (valueStarts || inFlow)
                {
                    switch (c)
                    {
                        case '[' or '{':
                            open.Push((c, n + 1));
                            valueStarts = true;
                            continue;
                        case '"' or '\'':
                            quote = c;
                            quoteLine = n + 1;
                            continue;
                        case '|' or '>' when !inFlow:
                            blockScalarIndent = indent; // its content is indented more than this line
                            valueStarts = false;
                            continue;
                    }
                }

                if (inFlow)
                {
                    switch (c)
                    {
                        case ']' or '}':
                            var (bracket, openedOn) = open.Pop();
                            var expected = bracket == '[' ? ']' : '}';
                            if (c != expected)
                            {
                                return (n + 1, $"'{c}' closes the '{bracket}' opened on line {openedOn}, which needs a '{expected}'");
                            }

                            valueStarts = false;
                            continue;
                        case ',':
                            valueStarts = true;
                            continue;
                        case ':' when i + 1 == line.Length || line[i + 1] is ' ' or ',' or ']' or '}':
                            valueStarts = true;
                            continue;
                    }

                    valueStarts = false;
                    continue;
                }

                if (c is ']' or '}' && valueStarts)
                {
                    return (n + 1, $"'{c}' closes nothing (no '{(c == ']' ? '[' : '{')}' is open)");
                }

                // Block context: a value starts after "key:" or "- ".
                valueStarts = (c == ':' || c == '-') && (i + 1 == line.Length || line[i + 1] is ' ' or '\t');
            }
        }

        if (quote != '\0' && open.Count > 0)
        {
            return (quoteLine, $"the {(quote == '"' ? "double" : "single")} quote opened here is never closed");
        }

        if (open.Count > 0)
        {
            var (bracket, line) = open.Last(); // the outermost: where the unclosed collection starts
            return (line, $"the '{bracket}' opened here is never closed (a '{(bracket == '[' ? ']' : '}')}' is missing)");
        }

        return null;
    }
}
