using System.Text;

namespace Pipeline.Grains.Processing;

/// <summary>
/// A field of a log record named the way users write it: dotted (<c>kubernetes.labels.app</c>)
/// or as a fluent-bit record accessor (<c>$kubernetes['labels']['app']</c>). <c>log</c>,
/// <c>stream</c>, <c>@timestamp</c> and the <c>kubernetes.*</c> metadata map onto the record's
/// own properties; every other path lives in <see cref="LogEvent.Fields"/>.
/// </summary>
public sealed class FieldPath : IEquatable<FieldPath>
{
    private FieldPath(string text, string[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Member names from the top of the document down.</summary>
    public IReadOnlyList<string> Segments { get; }

    public static readonly FieldPath Log = Parse("log");

    /// <summary>Parses a dotted path or a record accessor; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static FieldPath Parse(string text)
    {
        if (!TryParse(text, out var path, out var error))
        {
            throw new FormatException(error);
        }

        return path;
    }

    public static bool TryParse(string? text, out FieldPath path, out string error)
    {
        path = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a field name is empty";
            return false;
        }

        var trimmed = text.Trim();
        var segments = trimmed.StartsWith('$') ? ParseAccessor(trimmed, out error) : ParseDotted(trimmed, out error);
        if (segments is null)
        {
            return false;
        }

        path = new FieldPath(trimmed, segments);
        return true;
    }

    private static string[]? ParseDotted(string text, out string error)
    {
        error = "";
        // "@timestamp" and similar names keep their characters; only dots separate.
        var segments = text.Split('.');
        if (segments.Any(s => s.Length == 0))
        {
            error = $"'{text}' has an empty member name between dots";
            return null;
        }

        return segments;
    }

    /// <summary>fluent-bit's record accessor: <c>$key</c>, <c>$key['sub']['subsub']</c> (also double quotes).</summary>
    private static string[]? ParseAccessor(string text, out string error)
    {
        error = "";
        var segments = new List<string>();
        var i = 1;
        var first = new StringBuilder();
        while (i < text.Length && text[i] != '[')
        {
            first.Append(text[i++]);
        }

        if (first.Length == 0)
        {
            error = $"'{text}': a record accessor needs a key after '$'";
            return null;
        }

        segments.Add(first.ToString());
        while (i < text.Length)
        {
            if (text[i] != '[' || i + 1 >= text.Length || (text[i + 1] != '\'' && text[i + 1] != '"'))
            {
                error = $"'{text}': expected ['name'] at position {i}";
                return null;
            }

            var quote = text[i + 1];
            var end = text.IndexOf(quote, i + 2);
            if (end < 0 || end + 1 >= text.Length || text[end + 1] != ']')
            {
                error = $"'{text}': unclosed ['name'] at position {i}";
                return null;
            }

            var name = text[(i + 2)..end];
            if (name.Length == 0)
            {
                error = $"'{text}': empty member name at position {i}";
                return null;
            }

            segments.Add(name);
            i = end + 2;
        }

        return [.. segments];
    }

    public bool Equals(FieldPath? other) => other is not null && Segments.SequenceEqual(other.Segments, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as FieldPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in Segments)
        {
            hash.Add(segment, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('.', Segments);
}
