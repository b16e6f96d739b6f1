using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Grains.Store.Embedded;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// A configured value that may take text from the record (<c>set</c>/<c>add</c> of modify,
/// <c>record</c> of record_transformer). Placeholders:
/// <list type="bullet">
/// <item><c>${kubernetes.labels.app}</c>, <c>${$kubernetes['labels']['app.kubernetes.io/name']}</c>, <c>${record["a"]["b"]}</c>: a field;</item>
/// <item><c>${tag}</c>, <c>${tag_parts[N]}</c> (negative N counts from the end): the fluent-bit tag;</item>
/// <item><c>${hostname}</c> (this silo's host), <c>${time}</c> (the record's RFC 3339 time), <c>${tenant}</c>.</item>
/// </list>
/// Those names are taken: a field called <c>tag</c> is <c>${record["tag"]}</c>. <c>$${</c> writes a literal <c>${</c>.
/// A value that is exactly one field placeholder copies the field with its JSON type (a number stays
/// a number, an object is copied) and, when the field is missing, writes nothing. In a longer text a
/// missing field is empty and a non-text value is written as its JSON.
/// </summary>
public sealed class RecordTemplate
{
    private static readonly string HostName = Environment.MachineName;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly Part[] _parts;

    private RecordTemplate(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The value as written.</summary>
    public string Text { get; }

    /// <summary>True when the value holds no placeholder.</summary>
    public bool IsLiteral => _parts.All(p => p.Kind == PartKind.Literal);

    public static RecordTemplate Literal(string text) => new(text, [new Part(PartKind.Literal, text, null, 0)]);

    public static bool TryParse(string text, out RecordTemplate template, out string error)
    {
        template = null!;
        error = "";
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                literal.Append("${");
                i += 3;
                continue;
            }

            if (text[i] != '$' || i + 1 >= text.Length || text[i + 1] != '{')
            {
                literal.Append(text[i++]);
                continue;
            }

            var end = FindClose(text, i + 2);
            if (end < 0)
            {
                error = $"'{text}': '${{' at position {i} has no closing '}}'";
                return false;
            }

            if (!TryParsePlaceholder(text[(i + 2)..end].Trim(), out var part, out error))
            {
                error = $"'{text}': {error}";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(PartKind.Literal, literal.ToString(), null, 0));
                literal.Clear();
            }

            parts.Add(part);
            i = end + 1;
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(new Part(PartKind.Literal, literal.ToString(), null, 0));
        }

        template = new RecordTemplate(text, [.. parts]);
        return true;
    }

    // The closing brace, skipping braces and quotes inside record["…"] and $a['…'] names.
    private static int FindClose(string text, int from)
    {
        var quote = '\0';
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryParsePlaceholder(string inner, out Part part, out string error)
    {
        part = default;
        error = "";
        switch (inner)
        {
            case "tag":
                part = new Part(PartKind.Tag, inner, null, 0);
                return true;
            case "hostname":
                part = new Part(PartKind.HostName, inner, null, 0);
                return true;
            case "time":
                part = new Part(PartKind.Time, inner, null, 0);
                return true;
            case "tenant":
                part = new Part(PartKind.Tenant, inner, null, 0);
                return true;
        }

        if (inner.StartsWith("tag_parts[", StringComparison.Ordinal) && inner.EndsWith(']'))
        {
            if (!int.TryParse(inner.AsSpan(10, inner.Length - 11), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                error = $"'{inner}': tag_parts needs a whole number index";
                return false;
            }

            part = new Part(PartKind.TagPart, inner, null, index);
            return true;
        }

        if (inner.StartsWith("record[", StringComparison.Ordinal))
        {
            // fluentd's record["a"]["b"] is the record accessor $a['b'] by another name.
            if (!TryParseRecordIndexers(inner, out var path, out error))
            {
                return false;
            }

            part = new Part(PartKind.Field, inner, path, 0);
            return true;
        }

        if (!FieldPath.TryParse(inner, out var field, out error))
        {
            return false;
        }

        part = new Part(PartKind.Field, inner, field, 0);
        return true;
    }

    private static bool TryParseRecordIndexers(string inner, out FieldPath path, out string error)
    {
        path = null!;
        var names = new List<string>();
        var i = "record".Length;
        while (i < inner.Length)
        {
            if (inner[i] != '[' || i + 1 >= inner.Length || inner[i + 1] is not ('"' or '\''))
            {
                error = $"'{inner}': expected [\"name\"] at position {i}";
                return false;
            }

            var quote = inner[i + 1];
            var end = inner.IndexOf(quote, i + 2);
            if (end < 0 || end + 1 >= inner.Length || inner[end + 1] != ']')
            {
                error = $"'{inner}': unclosed [\"name\"] at position {i}";
                return false;
            }

            names.Add(inner[(i + 2)..end]);
            i = end + 2;
        }

        // Build an accessor with a quote the names do not hold.
        var accessor = new StringBuilder("$").Append(names[0]);
        foreach (var name in names.Skip(1))
        {
            var q = name.Contains('\'', StringComparison.Ordinal) ? '"' : '\'';
            accessor.Append('[').Append(q).Append(name).Append(q).Append(']');
        }

        return FieldPath.TryParse(accessor.ToString(), out path, out error);
    }

    /// <summary>
    /// The value for <paramref name="record"/>, a node with no parent; null when the template is a
    /// single field placeholder and the field is missing (the caller then writes nothing).
    /// </summary>
    public JsonNode? Render(LogEvent record)
    {
        if (_parts.Length == 1)
        {
            var part = _parts[0];
            if (part.Kind == PartKind.Field)
            {
                return RecordMembers.Peek(record, part.Path!) is { } node ? RecordMembers.Detached(node) : null;
            }

            return JsonValue.Create(TextOf(part, record) ?? "");
        }

        var builder = t_builder ??= new StringBuilder();
        builder.Clear();
        foreach (var part in _parts)
        {
            builder.Append(TextOf(part, record));
        }

        var text = builder.ToString();
        if (builder.Capacity > 4096)
        {
            t_builder = null;
        }

        return JsonValue.Create(text);
    }

    private static string? TextOf(Part part, LogEvent record) => part.Kind switch
    {
        PartKind.Literal => part.Text,
        PartKind.Field => RecordMembers.Text(RecordMembers.Peek(record, part.Path!)),
        PartKind.Tag => record.Tag,
        PartKind.TagPart => TagPart(record.Tag, part.Index),
        PartKind.HostName => HostName,
        PartKind.Time => StoreTimestamp.Format(record.TimeUnixNanos),
        PartKind.Tenant => record.Tenant,
        _ => null,
    };

    private static string TagPart(string tag, int index)
    {
        var parts = tag.Split('.');
        var i = index < 0 ? parts.Length + index : index;
        return i >= 0 && i < parts.Length ? parts[i] : "";
    }

    public override string ToString() => Text;

    private enum PartKind
    {
        Literal,
        Field,
        Tag,
        TagPart,
        HostName,
        Time,
        Tenant,
    }

    private readonly record struct Part(PartKind Kind, string Text, FieldPath? Path, int Index);
}
